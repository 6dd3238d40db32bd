package dev.yoq.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokensResourceTest {
    @Test
    void ttls_are_n_with_a_unit_of_s_m_h_or_d_and_bounded() {
        assertThat(TokensResource.ttlMillis("60s")).isEqualTo(60_000);
        assertThat(TokensResource.ttlMillis("15m")).isEqualTo(900_000);
        assertThat(TokensResource.ttlMillis("12h")).isEqualTo(43_200_000);
        assertThat(TokensResource.ttlMillis("30d")).isEqualTo(2_592_000_000L);
        assertThatThrownBy(() -> TokensResource.ttlMillis("0d")).hasMessage("ttl 0d: must be from 1s to 36500d");
        assertThatThrownBy(() -> TokensResource.ttlMillis("36501d")).hasMessage("ttl 36501d: must be from 1s to 36500d");
        assertThatThrownBy(() -> TokensResource.ttlMillis("1w")).hasMessage("ttl 1w: must be like 30d, 12h, 15m or 60s");
    }
}
