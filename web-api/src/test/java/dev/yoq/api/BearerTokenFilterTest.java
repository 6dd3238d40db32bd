package dev.yoq.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenFilterTest {
    @Test
    void the_scheme_is_case_insensitive_and_an_empty_token_is_none() {
        assertThat(BearerTokenFilter.bearerToken("Bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("bearer abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("BEARER abc")).isEqualTo("abc");
        assertThat(BearerTokenFilter.bearerToken("Bearer ")).isNull();
        assertThat(BearerTokenFilter.bearerToken("Basic abc")).isNull();
        assertThat(BearerTokenFilter.bearerToken(null)).isNull();
    }
}
