package dev.yoq.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    final AtomicLong now = new AtomicLong(10_000);

    @Test
    void allowsFiftyInOneSecondAndRefusesTheFiftyFirst() {
        RateLimiter limiter = new RateLimiter(50, now::get);
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.allow("10.0.0.1")).as("request %d", i + 1).isTrue();
        }
        assertThat(limiter.allow("10.0.0.1")).isFalse();
        assertThat(limiter.allow("10.0.0.2")).as("other clients are not affected").isTrue();
    }

    @Test
    void theNextSecondStartsAFreshWindow() {
        RateLimiter limiter = new RateLimiter(2, now::get);
        limiter.allow("a");
        limiter.allow("a");
        assertThat(limiter.allow("a")).isFalse();

        now.addAndGet(1000);

        assertThat(limiter.allow("a")).isTrue();
    }

    @Test
    void neverRefusesANewClientBecauseManyOthersAreActive() {
        RateLimiter limiter = new RateLimiter(1, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.allow("client-" + i)).isTrue();
            if (i % 1000 == 999) {
                now.addAndGet(1000);
            }
        }
        assertThat(limiter.trackedClients()).as("stale windows are pruned").isLessThanOrEqualTo(5000);
    }

    @Test
    void zeroDisablesTheLimit() {
        RateLimiter limiter = new RateLimiter(0, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.allow("a")).isTrue();
        }
    }
}
