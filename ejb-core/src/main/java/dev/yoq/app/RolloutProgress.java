package dev.yoq.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a release's rollout stands: its targets in start order, the batches, which batch is next, and what
 * each replaced service ran before (for a rollback). Pure: the executor changes it step by step and writes
 * {@link #checkpoint} after each; a restarted server reads it back and carries on from there.
 */
public final class RolloutProgress {
    private final List<Target> targets;
    private final List<List<String>> batches;
    private int nextBatch;
    private final Map<String, String> replacedFrom;
    private String phase;

    public RolloutProgress(List<Target> targets, List<List<String>> batches, int nextBatch, Map<String, String> replacedFrom,
                           String phase) {
        this.targets = new ArrayList<>(targets);
        this.batches = List.copyOf(batches);
        this.nextBatch = nextBatch;
        this.replacedFrom = new LinkedHashMap<>(replacedFrom);
        this.phase = phase;
    }

    public List<Target> targets() { return List.copyOf(targets); }
    public List<List<String>> batches() { return batches; }
    public int nextBatch() { return nextBatch; }
    /** Service → the release whose config it ran before (null values: it was new). */
    public Map<String, String> replacedFrom() { return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(replacedFrom)); }
    public String phase() { return phase; }
    public boolean done() { return nextBatch >= batches.size(); }

    public Target target(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    public void set(String name, String state, String reason) {
        for (int i = 0; i < targets.size(); i++) if (targets.get(i).name().equals(name)) targets.set(i, targets.get(i).to(state, reason));
    }

    /** The service ran release {@code releaseId}'s config before this rollout replaced it (null: it was new). */
    public void replaced(String name, String releaseId) {
        if (!replacedFrom.containsKey(name)) replacedFrom.put(name, releaseId);
    }

    public void batchDone() {
        nextBatch++;
    }

    public void phase(String phase) { this.phase = phase; }

    public int completed() { return count(Target.READY); }

    public int failed() { return count(Target.FAILED) + count(Target.ROLLED_BACK); }

    private int count(String state) {
        return (int) targets.stream().filter(t -> t.state().equals(state)).count();
    }

    /** Every target that is not yet terminal becomes failed with {@code reason} (cancel) or blocked (pause). */
    public void endRemaining(String state, String reason) {
        for (int i = 0; i < targets.size(); i++) if (!targets.get(i).terminal()) targets.set(i, targets.get(i).to(state, reason));
    }

    /** The release status the targets add up to once the rollout stopped. */
    public String finalStatus() {
        if (failed() == 0) return "completed";
        return completed() > 0 ? "partially_failed" : "failed";
    }
}
