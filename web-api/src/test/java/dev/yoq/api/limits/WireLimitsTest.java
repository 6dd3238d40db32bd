package dev.yoq.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireLimitsTest {

    @Test
    void requestsAtEveryLimitPass() {
        assertThat(WireLimits.check(2048, 16 * 1024, 256L * 1024 * 1024)).isEmpty();
        assertThat(WireLimits.check(1, 0, -1)).isEmpty();
    }

    @Test
    void oneByteOverEachLimitIsRefusedWithTheOriginalsMessage() {
        assertThat(WireLimits.check(2049, 0, -1)).hasValue(new WireLimits.Refusal(400, "request uri too long", "uri"));
        assertThat(WireLimits.check(10, 16 * 1024 + 1, -1))
                .hasValue(new WireLimits.Refusal(431, "headers too large", "headers"));
        assertThat(WireLimits.check(10, 10, 256L * 1024 * 1024 + 1))
                .hasValue(new WireLimits.Refusal(413, "request body too large", "body"));
    }

    @Test
    void theUriIsCheckedFirst() {
        assertThat(WireLimits.check(5000, 50_000, Long.MAX_VALUE)).get().extracting(WireLimits.Refusal::status)
                .isEqualTo(400);
    }
}
