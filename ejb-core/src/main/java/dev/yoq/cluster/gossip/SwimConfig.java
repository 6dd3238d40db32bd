package dev.yoq.cluster.gossip;

/**
 * Every SWIM tunable, with the spec defaults in {@link #DEFAULT}, and the timing maths.
 * <p>
 * Spec: the gossip tick is 500 ms; base intervals in ticks are probe 5 (2.5 s), suspect timeout 20 (10 s) and dead
 * timeout 100 (50 s). All three are multiplied by {@code min(ceil_log2(N), 10)} where N is the cluster size (the
 * known members plus this node) and {@code ceil_log2(n) = 1} for n ≤ 2, so that larger clusters, where a state
 * change takes more rounds to reach everyone, wait proportionally longer. The suspect and dead timeouts are further
 * multiplied by {@link #suspicionMultiplier()}. A piggybacked update is sent {@code ceil_log2(N) + 1} times.
 *
 * @param tickMs                the gossip tick in ms (spec 500; tests shrink it to run fast)
 * @param probeTicks            base probe interval in ticks (5)
 * @param suspectTicks          base suspect timeout in ticks (20)
 * @param deadTicks             base time a DEAD member is kept before it is forgotten, in ticks (100)
 * @param suspicionMultiplier   extra factor on the suspect and dead timeouts (1)
 * @param fanout                members pinged per probe round, and per tick when there is news to gossip (1)
 * @param indirectProbes        K, the members asked to {@code ping_req} a target that missed its ack (3)
 * @param ackTimeoutTicks       ticks to wait for a direct ack before the {@code ping_req}s go out (1); must be
 *                              shorter than the probe interval so the indirect probes have time before the next
 *                              round
 * @param maxPiggyback          updates per message (6; the wire format allows no more)
 * @param maxIntervalMultiplier cap of the {@code ceil_log2(N)} factor on the intervals (10)
 */
public record SwimConfig(long tickMs, int probeTicks, int suspectTicks, int deadTicks, int suspicionMultiplier,
                         int fanout, int indirectProbes, int ackTimeoutTicks, int maxPiggyback,
                         int maxIntervalMultiplier) {

    /** The spec defaults. */
    public static final SwimConfig DEFAULT = new SwimConfig(500, 5, 20, 100, 1, 1, 3, 1, 6, 10);

    public SwimConfig {
        if (tickMs < 1) throw new IllegalArgumentException("tickMs must be positive");
        if (probeTicks < 2) throw new IllegalArgumentException("probeTicks must be at least 2");
        if (suspectTicks < 1 || deadTicks < 1) throw new IllegalArgumentException("timeouts must be positive");
        if (suspicionMultiplier < 1) throw new IllegalArgumentException("suspicionMultiplier must be at least 1");
        if (fanout < 1) throw new IllegalArgumentException("fanout must be at least 1");
        if (indirectProbes < 0) throw new IllegalArgumentException("indirectProbes must not be negative");
        if (ackTimeoutTicks < 1 || ackTimeoutTicks >= probeTicks) {
            throw new IllegalArgumentException("ackTimeoutTicks must be at least 1 and below probeTicks");
        }
        if (maxPiggyback < 1 || maxPiggyback > GossipMessage.MAX_UPDATES) {
            throw new IllegalArgumentException("maxPiggyback must be 1.." + GossipMessage.MAX_UPDATES);
        }
        if (maxIntervalMultiplier < 1) throw new IllegalArgumentException("maxIntervalMultiplier must be positive");
    }

    /** The defaults with another tick length: every interval, in ms, scales with it. */
    public SwimConfig withTickMs(long newTickMs) {
        return new SwimConfig(newTickMs, probeTicks, suspectTicks, deadTicks, suspicionMultiplier, fanout,
                indirectProbes, ackTimeoutTicks, maxPiggyback, maxIntervalMultiplier);
    }

    /** This configuration with another suspicion multiplier. */
    public SwimConfig withSuspicionMultiplier(int multiplier) {
        return new SwimConfig(tickMs, probeTicks, suspectTicks, deadTicks, multiplier, fanout, indirectProbes,
                ackTimeoutTicks, maxPiggyback, maxIntervalMultiplier);
    }

    /** {@code ceil(log2 n)}, but 1 for n ≤ 2 (spec), so a lone node or a pair still waits one base interval. */
    public static int ceilLog2(int n) {
        if (n < 1) throw new IllegalArgumentException("cluster size must be at least 1: " + n);
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1));
    }

    /** The factor on all intervals for a cluster of {@code n}: {@code min(ceil_log2(n), cap)}. */
    public static int intervalMultiplier(int n, int cap) {
        return Math.min(ceilLog2(n), cap);
    }

    /** How many times one update is piggybacked before it leaves the broadcast queue: {@code ceil_log2(n) + 1}. */
    public static int retransmits(int n) {
        return ceilLog2(n) + 1;
    }

    /** The factor on all intervals for a cluster of {@code n} under this configuration's cap. */
    public int intervalMultiplier(int n) {
        return intervalMultiplier(n, maxIntervalMultiplier);
    }

    /** Time between probe rounds for a cluster of {@code n}. */
    public long probeIntervalMs(int n) {
        return tickMs * probeTicks * intervalMultiplier(n);
    }

    /** How long a member stays SUSPECT before it is declared DEAD, for a cluster of {@code n}. */
    public long suspectTimeoutMs(int n) {
        return tickMs * suspectTicks * intervalMultiplier(n) * suspicionMultiplier;
    }

    /** How long a DEAD member is kept before it is forgotten, for a cluster of {@code n}. */
    public long deadTimeoutMs(int n) {
        return tickMs * deadTicks * intervalMultiplier(n) * suspicionMultiplier;
    }

    /** How long a direct ping waits for its ack before the indirect probes go out. */
    public long ackTimeoutMs() {
        return tickMs * ackTimeoutTicks;
    }
}
