package dev.yoq.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollout's progress as the release row stores it: {@code rollout_targets}, {@code failure_details} and
 * {@code rollout_checkpoint} (spec §2.4), the checkpoint extended with what a resumed rollout needs (the batches,
 * the next one, and what each replaced service ran before).
 */
public final class ProgressJson {
    private ProgressJson() {}

    public static String targets(RolloutProgress p) {
        ArrayNode a = WorkloadHashes.JSON.createArrayNode();
        for (Target t : p.targets()) {
            a.addObject().put("workload_kind", t.kind()).put("workload_name", t.name()).put("state", t.state()).put("reason", t.reason());
        }
        return a.toString();
    }

    /** Failed and reverted targets with their reasons; null when there are none. */
    public static String failures(RolloutProgress p) {
        ArrayNode a = WorkloadHashes.JSON.createArrayNode();
        for (Target t : p.targets()) {
            if (Target.FAILED.equals(t.state())) {
                a.addObject().put("workload_kind", t.kind()).put("workload_name", t.name()).put("reason", t.reason());
            }
        }
        return a.isEmpty() ? null : a.toString();
    }

    public static String checkpoint(RolloutProgress p, int serviceCount, String controlState) {
        ObjectNode o = WorkloadHashes.JSON.createObjectNode();
        int batch = Math.min(p.nextBatch(), Math.max(0, p.batches().size() - 1));
        int start = 0;
        for (int i = 0; i < batch; i++) start += p.batches().get(i).size();
        int end = p.batches().isEmpty() ? 0 : start + p.batches().get(batch).size();
        o.put("engine", "local").put("phase", p.phase()).put("batch_start", start).put("batch_end", end)
                .put("total_targets", serviceCount).put("completed_targets", p.completed()).put("failed_targets", p.failed())
                .put("remaining_targets", dev.yoq.app.ReleaseStates.remaining(serviceCount, p.completed(), p.failed()))
                .put("control_state", controlState).put("next_batch", p.nextBatch());
        ArrayNode batches = o.putArray("batches");
        p.batches().forEach(b -> b.forEach(batches.addArray()::add));
        ObjectNode from = o.putObject("replaced_from");
        p.replacedFrom().forEach(from::put);
        return o.toString();
    }

    /** The progress a checkpoint and target list describe (what a restarted server resumes from). */
    public static RolloutProgress read(String targetsJson, String checkpointJson) {
        try {
            List<Target> targets = new ArrayList<>();
            for (JsonNode t : WorkloadHashes.JSON.readTree(targetsJson)) {
                targets.add(new Target(t.path("workload_kind").asText(), t.path("workload_name").asText(), t.path("state").asText(),
                        t.path("reason").isNull() ? null : t.path("reason").asText()));
            }
            JsonNode c = WorkloadHashes.JSON.readTree(checkpointJson);
            List<List<String>> batches = new ArrayList<>();
            for (JsonNode b : c.path("batches")) {
                List<String> names = new ArrayList<>();
                b.forEach(n -> names.add(n.asText()));
                batches.add(names);
            }
            Map<String, String> from = new LinkedHashMap<>();
            c.path("replaced_from").fields().forEachRemaining(e -> from.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            return new RolloutProgress(targets, batches, c.path("next_batch").asInt(), from, c.path("phase").asText());
        } catch (IOException e) {
            throw new UncheckedIOException("a stored rollout checkpoint is not JSON", e);
        }
    }
}
