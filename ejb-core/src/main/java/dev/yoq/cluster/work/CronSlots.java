package dev.yoq.cluster.work;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * When a cluster's crons run, as a pure function of time. A cron of an app's serving release runs at the release's
 * creation + k × every (k = 1, 2, …): the k-th slot. Its run's assignment id is derived from (release, cron, k),
 * so a slot has one id in the whole cluster: a second leader (or the same one twice) proposing the same slot
 * inserts nothing (the state machine keeps the first), and a cron fires once per schedule however leadership moves.
 * A slot is taken only within {@link #grace} of its time (a slot missed while no server led is not run late), and
 * skipped while the cron's previous run is still live (as on a single node).
 */
public final class CronSlots {
    /** How late a slot may still start: a leader elected within this of the slot's time runs it. */
    public static final long MAX_GRACE_MS = 10_000;

    private CronSlots() {}

    /** A cron of an app's serving release; {@code everyMs} > 0. */
    public record Cron(String app, String releaseId, long releaseCreatedAtMs, String name, long everyMs) {}

    /** A slot to run now: its run's id. */
    public record Due(Cron cron, long slot, String runId) {}

    /** Lateness allowed for a slot: half the period, at most {@link #MAX_GRACE_MS}. */
    static long grace(long everyMs) {
        return Math.min(MAX_GRACE_MS, everyMs / 2);
    }

    /**
     * The slots due at {@code nowMs}: {@code existingIds} are the assignments on record (a slot already run, or
     * proposed, has its id there); {@code live} the {@code app/cron} pairs with a run still pending or running.
     */
    public static List<Due> due(List<Cron> crons, Set<String> existingIds, Set<String> live, long nowMs) {
        List<Due> out = new ArrayList<>();
        for (Cron c : crons) {
            if (c.everyMs() <= 0 || nowMs < c.releaseCreatedAtMs() + c.everyMs()) continue;
            long slot = (nowMs - c.releaseCreatedAtMs()) / c.everyMs();
            long slotAt = c.releaseCreatedAtMs() + slot * c.everyMs();
            if (nowMs - slotAt > grace(c.everyMs())) continue;
            String id = runId(c.releaseId(), c.name(), slot);
            if (existingIds.contains(id) || live.contains(c.app() + "/" + c.name())) continue;
            out.add(new Due(c, slot, id));
        }
        return out;
    }

    /**
     * How long a run may wait to start before it is given up: its cron's period, and at least a minute, since an
     * agent reports a start only at its next 5 s cycle and follows a new leader within a few cycles.
     */
    public static final long MIN_START_WAIT_MS = 60_000;

    /**
     * Runs of these crons still waiting to start (pending: unplaced, or placed on an agent that has not reported it)
     * a period (at least {@link #MIN_START_WAIT_MS}) after they were recorded: id → why they are given up. A run
     * that runs goes on (later slots wait).
     */
    public static java.util.Map<String, String> stale(List<Cron> crons, List<Work> work, long nowMs) {
        java.util.Map<String, Long> every = new java.util.HashMap<>();
        crons.forEach(c -> every.put(c.app() + "/" + c.name(), c.everyMs()));
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Work w : work) {
            Long e = every.get(w.appName() + "/" + w.workloadName());
            if (e != null && "cron".equals(w.workloadKind()) && "pending".equals(w.status()) && w.createdAt() > 0 && nowMs >= w.createdAt() + Math.max(e, MIN_START_WAIT_MS)) {
                String waited = Math.max(e, MIN_START_WAIT_MS) / 1000 + " s";
                out.put(w.id(), w.placed() ? "not started on agent " + w.agentId() + " within " + waited
                        : "no agent had room within " + waited + (w.reason() == null ? "" : " (" + w.reason() + ")"));
            }
        }
        return out;
    }

    /** The 12 hex digits naming slot {@code slot} of cron {@code name} of release {@code releaseId}. */
    public static String runId(String releaseId, String name, long slot) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((releaseId + "/" + name + "/" + slot).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
