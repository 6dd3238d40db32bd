package dev.yoq.app;

import java.util.Set;

/**
 * One workload a rollout brings to its new config (spec §2.4 {@code rollout_targets}): states pending, starting,
 * ready, failed, blocked, rolled_back (the last three and ready are terminal).
 */
public record Target(String kind, String name, String state, String reason) {
    public static final String PENDING = "pending", STARTING = "starting", READY = "ready", FAILED = "failed",
            BLOCKED = "blocked", ROLLED_BACK = "rolled_back";
    static final Set<String> TERMINAL = Set.of(READY, FAILED, ROLLED_BACK);

    public static Target pending(String name) {
        return new Target("service", name, PENDING, null);
    }

    public Target to(String newState, String newReason) {
        return new Target(kind, name, newState, newReason);
    }

    public boolean terminal() { return TERMINAL.contains(state); }
}
