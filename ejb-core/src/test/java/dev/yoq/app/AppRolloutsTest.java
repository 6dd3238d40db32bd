package dev.yoq.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who holds an app: a rollout holds it to the end, a background reconcile gives way to an operator. */
class AppRolloutsTest {
    final AppRollouts rollouts = new AppRollouts();

    @Test
    void a_rollout_holding_the_app_refuses_an_operator_at_once() {
        assertThat(rollouts.begin("shop")).isTrue();
        long t0 = System.nanoTime();
        assertThat(rollouts.claim("shop")).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
        assertThat(rollouts.yieldAsked("shop")).isFalse();
        rollouts.end("shop");
        assertThat(rollouts.claim("shop")).isTrue();
        assertThat(rollouts.beginReconcile("shop")).as("the operator holds it now").isFalse();
    }

    @Test
    void a_reconcile_is_asked_to_stop_and_the_operator_gets_the_app_when_it_has() throws Exception {
        assertThat(rollouts.beginReconcile("shop")).isTrue();
        CountDownLatch asked = new CountDownLatch(1);
        Thread reconcile = new Thread(() -> {
            for (int i = 0; i < 200 && !rollouts.yieldAsked("shop"); i++) sleep(25);   // a reconcile's poll, bounded
            if (rollouts.yieldAsked("shop")) asked.countDown();
            rollouts.end("shop");
        });
        reconcile.start();
        long t0 = System.nanoTime();
        assertThat(rollouts.claim("shop")).isTrue();
        assertThat(asked.await(0, TimeUnit.SECONDS)).as("it stopped because it was asked").isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("at its next poll, not at its own end").isLessThan(2_000);
        assertThat(rollouts.running("shop")).isTrue();
        assertThat(rollouts.yieldAsked("shop")).as("the request went with the reconcile").isFalse();
        reconcile.join(5_000);
    }

    @Test
    void a_reconcile_that_does_not_stop_in_time_leaves_the_operator_refused() {
        rollouts.yieldMs = 300;
        assertThat(rollouts.beginReconcile("shop")).isTrue();
        assertThat(rollouts.claim("shop")).isFalse();
        assertThat(rollouts.yieldAsked("shop")).isTrue();
        rollouts.end("shop");
        assertThat(rollouts.yieldAsked("shop")).isFalse();
        assertThat(rollouts.running("shop")).isFalse();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
