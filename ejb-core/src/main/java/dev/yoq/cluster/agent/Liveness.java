package dev.yoq.cluster.agent;

import dev.yoq.cluster.schedule.NodeStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * When a silent agent goes offline and when it is forgotten (spec §5.2, §6.7), as a pure decision over the agents
 * the leader sees. An {@code active} agent whose last heartbeat is older than 30 s × the gossip multiplier goes
 * {@code offline} (its pending and running assignments then become pending elsewhere); an agent offline for more
 * than an hour is deleted. {@code draining} is sticky: a draining agent is never flipped by this rule. Gossip
 * speeds it up (spec: gossip "dead" → offline): an active agent the leader's SWIM member holds dead goes offline
 * once it also missed two heartbeats ({@link #GOSSIP_CONFIRM_MS}), so a node whose UDP is blocked but whose
 * heartbeats arrive is never taken offline by gossip alone.
 */
public final class Liveness {
    public static final long OFFLINE_AFTER_MS = 30_000;
    public static final long FORGET_AFTER_MS = 3_600_000;
    public static final long HEARTBEAT_MS = 5_000;
    /** Silence that confirms gossip's verdict: two heartbeat periods. */
    public static final long GOSSIP_CONFIRM_MS = 2 * HEARTBEAT_MS;

    private Liveness() {
    }

    /** What the leader knows of one agent. {@code offlineSince} is 0 unless it is offline. */
    public record Agent(String id, NodeStatus status, long lastHeartbeatMs, long offlineSinceMs) {
    }

    public enum Action { MARK_OFFLINE, MARK_OFFLINE_GOSSIP, FORGET }

    public record Decision(String agentId, Action action) {
    }

    /** min(ceil_log2(gossip members + 1), 10), and 1 when there is no gossip (0 members). */
    public static int multiplier(int gossipMembers) {
        if (gossipMembers <= 0) return 1;
        int n = gossipMembers + 1;
        int log = 64 - Long.numberOfLeadingZeros(n - 1L);   // ceil(log2 n) for n ≥ 2
        return Math.max(1, Math.min(log, 10));
    }

    public static long offlineAfterMs(int gossipMembers) { return OFFLINE_AFTER_MS * multiplier(gossipMembers); }

    /** How often an agent heartbeats: 5 s × the same multiplier. */
    public static long heartbeatMs(int gossipMembers) { return HEARTBEAT_MS * multiplier(gossipMembers); }

    /** {@code gossipDead}: the agents the leader's gossip member holds dead. */
    public static List<Decision> evaluate(List<Agent> agents, long nowMs, int gossipMembers, java.util.Set<String> gossipDead) {
        long offlineAfter = offlineAfterMs(gossipMembers);
        List<Decision> out = new ArrayList<>();
        for (Agent a : agents) {
            long silent = nowMs - a.lastHeartbeatMs();
            if (a.status() == NodeStatus.ACTIVE && silent > offlineAfter) {
                out.add(new Decision(a.id(), Action.MARK_OFFLINE));
            } else if (a.status() == NodeStatus.ACTIVE && gossipDead.contains(a.id()) && silent > GOSSIP_CONFIRM_MS) {
                out.add(new Decision(a.id(), Action.MARK_OFFLINE_GOSSIP));
            } else if (a.status() == NodeStatus.OFFLINE && nowMs - a.offlineSinceMs() > FORGET_AFTER_MS) {
                out.add(new Decision(a.id(), Action.FORGET));
            }
        }
        return out;
    }

    /** The status a heartbeat leaves an agent in: offline comes back active, draining stays draining. */
    public static NodeStatus afterHeartbeat(NodeStatus current) {
        return current == NodeStatus.OFFLINE ? NodeStatus.ACTIVE : current;
    }
}
