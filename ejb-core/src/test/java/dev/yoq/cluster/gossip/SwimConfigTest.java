package dev.yoq.cluster.gossip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SwimConfigTest {
    private static final SwimConfig DEFAULT = SwimConfig.DEFAULT;

    @Test
    void theDefaultsAreTheSpecs() {
        assertThat(DEFAULT.tickMs()).isEqualTo(500);
        assertThat(DEFAULT.probeTicks()).isEqualTo(5);
        assertThat(DEFAULT.suspectTicks()).isEqualTo(20);
        assertThat(DEFAULT.deadTicks()).isEqualTo(100);
        assertThat(DEFAULT.suspicionMultiplier()).isEqualTo(1);
        assertThat(DEFAULT.fanout()).isEqualTo(1);
        assertThat(DEFAULT.indirectProbes()).isEqualTo(3);
        assertThat(DEFAULT.ackTimeoutTicks()).isEqualTo(1);
        assertThat(DEFAULT.maxPiggyback()).isEqualTo(6);
        assertThat(DEFAULT.maxIntervalMultiplier()).isEqualTo(10);
        assertThat(DEFAULT.ackTimeoutMs()).isEqualTo(500);
    }

    @ParameterizedTest(name = "N={0} → {1}")
    @CsvSource({"1,1", "2,1", "3,2", "4,2", "5,3", "8,3", "9,4", "16,4", "17,5", "512,9", "513,10", "1000,10",
            "1024,10", "1025,10", "1000000,10"})
    void theIntervalMultiplierIsCeilLog2CappedAtTen(int n, int multiplier) {
        assertThat(DEFAULT.intervalMultiplier(n)).isEqualTo(multiplier);
    }

    @ParameterizedTest(name = "ceil_log2({0}) = {1}")
    @CsvSource({"1,1", "2,1", "3,2", "4,2", "5,3", "1000,10", "1025,11", "1000000,20"})
    void ceilLog2IsOneUpToTwoAndUncappedItself(int n, int log) {
        assertThat(SwimConfig.ceilLog2(n)).isEqualTo(log);
    }

    @ParameterizedTest(name = "N={0}, suspicion ×{1}: probe {2} ms, suspect {3} ms, dead {4} ms")
    @CsvSource({
            "1,1,2500,10000,50000",
            "2,1,2500,10000,50000",
            "3,1,5000,20000,100000",
            "8,1,7500,30000,150000",
            "100,1,17500,70000,350000",
            "1000,1,25000,100000,500000",
            "5000,1,25000,100000,500000",
            "4,3,5000,60000,300000",
            "1000,2,25000,200000,1000000"})
    void intervalsScaleWithTheClusterAndTheSuspicionMultiplier(int n, int suspicion, long probe, long suspect,
                                                                long dead) {
        SwimConfig config = DEFAULT.withSuspicionMultiplier(suspicion);
        assertThat(config.probeIntervalMs(n)).isEqualTo(probe);
        assertThat(config.suspectTimeoutMs(n)).isEqualTo(suspect);
        assertThat(config.deadTimeoutMs(n)).isEqualTo(dead);
    }

    @Test
    void theTickScalesEveryInterval() {
        SwimConfig fast = DEFAULT.withTickMs(50);
        assertThat(fast.probeIntervalMs(4)).isEqualTo(500);
        assertThat(fast.suspectTimeoutMs(4)).isEqualTo(2000);
        assertThat(fast.deadTimeoutMs(4)).isEqualTo(10000);
        assertThat(fast.ackTimeoutMs()).isEqualTo(50);
    }

    @ParameterizedTest(name = "N={0}: sent {1} times")
    @CsvSource({"1,2", "2,2", "3,3", "4,3", "5,4", "8,4", "9,5", "1000,11", "1024,11", "1025,12"})
    void anUpdateIsRetransmittedCeilLog2NPlusOneTimes(int n, int times) {
        assertThat(SwimConfig.retransmits(n)).isEqualTo(times);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> SwimConfig.ceilLog2(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SwimConfig(500, 5, 20, 100, 1, 1, 3, 1, 7, 10))
                .hasMessageContaining("maxPiggyback");
        assertThatThrownBy(() -> new SwimConfig(500, 5, 20, 100, 1, 1, 3, 5, 6, 10))
                .hasMessageContaining("ackTimeoutTicks");
        assertThatThrownBy(() -> new SwimConfig(0, 5, 20, 100, 1, 1, 3, 1, 6, 10)).hasMessageContaining("tickMs");
        assertThatThrownBy(() -> DEFAULT.withSuspicionMultiplier(0)).hasMessageContaining("suspicionMultiplier");
    }
}
