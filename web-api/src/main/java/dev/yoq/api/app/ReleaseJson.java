package dev.yoq.api.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.app.AppService;
import dev.yoq.app.ReleaseStates;
import dev.yoq.model.ReleaseRecord;
import java.io.IOException;

/** The release documents of spec §2.4 (status view, history entry, apply response), fields in the spec's order. */
final class ReleaseJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private ReleaseJson() {}

    static ObjectNode status(AppService.Status s) {
        AppService.Release c = s.current(), p = s.previousSuccessful();
        ReleaseRecord r = c.record();
        ObjectNode o = JSON.createObjectNode();
        // a downed app is listed as down, not as its last release went (that stays in history and the release fields)
        o.put("app_name", r.getAppName()).put("trigger", r.getTrigger()).put("release_id", r.getId())
                .put("status", s.downSince() != null ? "down" : r.getStatus())
                .put("rollout_state", rolloutState(c)).put("rollout_control_state", r.getControlState())
                .put("manifest_hash", r.getManifestHash()).put("created_at", r.getCreatedAt() / 1000);
        counts(o, c);
        o.put("completed_targets", r.getCompletedTargets()).put("failed_targets", r.getFailedTargets()).put("remaining_targets", remaining(c))
                .put("active_training_jobs", 0).put("paused_training_jobs", 0).put("failed_training_jobs", 0)
                .put("source_release_id", r.getSourceReleaseId()).put("resumed_from_release_id", r.getResumedFromReleaseId())
                .put("superseded_by_release_id", r.getSupersededByReleaseId());
        if (s.downSince() != null) o.put("release_status", r.getStatus()).put("down_at", s.downSince() / 1000);
        ReleaseRecord q = p == null ? null : p.record();
        o.put("previous_successful_release_id", q == null ? null : q.getId())
                .put("previous_successful_trigger", q == null ? null : q.getTrigger())
                .put("previous_successful_status", q == null ? null : q.getStatus())
                .put("previous_successful_rollout_state", q == null ? null : rolloutState(p))
                .put("previous_successful_rollout_control_state", q == null ? null : q.getControlState())
                .put("previous_successful_manifest_hash", q == null ? null : q.getManifestHash());
        if (q == null) o.putNull("previous_successful_created_at"); else o.put("previous_successful_created_at", q.getCreatedAt() / 1000);
        if (q == null) {
            o.putNull("previous_successful_completed_targets").putNull("previous_successful_failed_targets").putNull("previous_successful_remaining_targets");
        } else {
            o.put("previous_successful_completed_targets", q.getCompletedTargets()).put("previous_successful_failed_targets", q.getFailedTargets())
                    .put("previous_successful_remaining_targets", remaining(p));
        }
        o.put("previous_successful_source_release_id", q == null ? null : q.getSourceReleaseId())
                .put("previous_successful_resumed_from_release_id", q == null ? null : q.getResumedFromReleaseId())
                .put("previous_successful_superseded_by_release_id", q == null ? null : q.getSupersededByReleaseId())
                .put("previous_successful_message", q == null ? null : message(q));
        o.set("previous_successful_failure_details", q == null ? NullNode.instance : raw(q.getFailureDetailsJson()));
        o.set("previous_successful_rollout_targets", q == null ? NullNode.instance : raw(q.getRolloutTargetsJson()));
        o.set("previous_successful_rollout_checkpoint", q == null ? NullNode.instance : raw(q.getRolloutCheckpointJson()));
        o.put("message", message(r));
        o.set("failure_details", raw(r.getFailureDetailsJson()));
        o.set("rollout_targets", raw(r.getRolloutTargetsJson()));
        o.set("rollout_checkpoint", raw(r.getRolloutCheckpointJson()));
        o.set("rollout", rollout(c, true, true));
        o.set("current_release", release(c, false));
        o.set("previous_successful_release", p == null ? NullNode.instance : release(p, true));
        o.set("workloads", workloads(c));
        o.putObject("training_runtime").put("active", 0).put("paused", 0).put("failed", 0);
        return o;
    }

    static ObjectNode history(AppService.HistoryEntry e) {
        AppService.Release c = e.release();
        ReleaseRecord r = c.record();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.getId()).put("app", r.getAppName()).put("service", r.getAppName()).put("trigger", r.getTrigger())
                .put("status", r.getStatus()).put("rollout_state", rolloutState(c)).put("rollout_control_state", r.getControlState())
                .put("manifest_hash", r.getManifestHash()).put("created_at", r.getCreatedAt() / 1000);
        counts(o, c);
        o.put("completed_targets", r.getCompletedTargets()).put("failed_targets", r.getFailedTargets()).put("remaining_targets", remaining(c))
                .put("source_release_id", r.getSourceReleaseId()).put("resumed_from_release_id", r.getResumedFromReleaseId())
                .put("superseded_by_release_id", r.getSupersededByReleaseId()).put("message", message(r));
        o.set("failure_details", raw(r.getFailureDetailsJson()));
        o.set("rollout_targets", raw(r.getRolloutTargetsJson()));
        o.set("rollout_checkpoint", raw(r.getRolloutCheckpointJson()));
        o.set("rollout", rollout(c, true, true));
        o.put("is_current", e.current()).put("is_previous_successful", e.previousSuccessful());
        ObjectNode release = release(c, true);
        release.put("current", e.current()).put("previous_successful", e.previousSuccessful());
        o.set("release", release);
        o.set("workloads", workloads(c));
        return o;
    }

    static ObjectNode apply(AppService.Release c) {
        ReleaseRecord r = c.record();
        ObjectNode o = JSON.createObjectNode();
        o.put("app_name", r.getAppName()).put("trigger", r.getTrigger()).put("release_id", r.getId()).put("status", r.getStatus())
                .put("rollout_state", rolloutState(c)).put("rollout_control_state", r.getControlState());
        counts(o, c);
        o.put("placed", r.getCompletedTargets()).put("failed", r.getFailedTargets())
                .put("completed_targets", r.getCompletedTargets()).put("failed_targets", r.getFailedTargets()).put("remaining_targets", remaining(c))
                .put("source_release_id", r.getSourceReleaseId()).put("resumed_from_release_id", r.getResumedFromReleaseId())
                .put("message", message(r));
        o.set("failure_details", raw(r.getFailureDetailsJson()));
        o.set("rollout_targets", raw(r.getRolloutTargetsJson()));
        o.set("rollout_checkpoint", raw(r.getRolloutCheckpointJson()));
        o.set("rollout", rollout(c, false, false).put("resumed_from_release_id", r.getResumedFromReleaseId()));
        ObjectNode ro = (ObjectNode) o.get("rollout");
        ObjectNode ordered = JSON.createObjectNode();
        for (String k : new String[] {"state", "control_state", "resumed_from_release_id", "completed_targets", "failed_targets",
                "remaining_targets", "failure_details", "targets", "checkpoint"}) ordered.set(k, ro.get(k));
        o.set("rollout", ordered);
        return o;
    }

    private static ObjectNode release(AppService.Release c, boolean transitionIds) {
        ReleaseRecord r = c.record();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.getId()).put("trigger", r.getTrigger()).put("status", r.getStatus()).put("rollout_state", rolloutState(c))
                .put("rollout_control_state", r.getControlState()).put("manifest_hash", r.getManifestHash())
                .put("created_at", r.getCreatedAt() / 1000).put("completed_targets", r.getCompletedTargets())
                .put("failed_targets", r.getFailedTargets()).put("remaining_targets", remaining(c))
                .put("source_release_id", r.getSourceReleaseId()).put("resumed_from_release_id", r.getResumedFromReleaseId())
                .put("superseded_by_release_id", r.getSupersededByReleaseId()).put("message", message(r));
        o.set("failure_details", raw(r.getFailureDetailsJson()));
        o.set("rollout_targets", raw(r.getRolloutTargetsJson()));
        o.set("rollout_checkpoint", raw(r.getRolloutCheckpointJson()));
        o.set("rollout", rollout(c, transitionIds, transitionIds));
        return o;
    }

    private static ObjectNode rollout(AppService.Release c, boolean resumed, boolean superseded) {
        ReleaseRecord r = c.record();
        ObjectNode o = JSON.createObjectNode().put("state", rolloutState(c)).put("control_state", r.getControlState());
        if (resumed) o.put("resumed_from_release_id", r.getResumedFromReleaseId());
        if (superseded) o.put("superseded_by_release_id", r.getSupersededByReleaseId());
        o.put("completed_targets", r.getCompletedTargets()).put("failed_targets", r.getFailedTargets()).put("remaining_targets", remaining(c));
        o.set("failure_details", raw(r.getFailureDetailsJson()));
        o.set("targets", raw(r.getRolloutTargetsJson()));
        o.set("checkpoint", raw(r.getRolloutCheckpointJson()));
        return o;
    }

    private static void counts(ObjectNode o, AppService.Release c) {
        o.put("service_count", c.services()).put("worker_count", c.workers()).put("cron_count", c.crons())
                .put("training_job_count", c.trainingJobs());
    }

    private static ObjectNode workloads(AppService.Release c) {
        return JSON.createObjectNode().put("services", c.services()).put("workers", c.workers()).put("crons", c.crons())
                .put("training_jobs", c.trainingJobs());
    }

    static String rolloutState(AppService.Release c) {
        ReleaseRecord r = c.record();
        return ReleaseStates.rolloutState(r.getStatus(), r.getControlState(), c.services(), r.getCompletedTargets(), r.getFailedTargets());
    }

    static long remaining(AppService.Release c) {
        return ReleaseStates.remaining(c.services(), c.record().getCompletedTargets(), c.record().getFailedTargets());
    }

    /** The stored message, or the one spec §2.4 makes from the trigger and status. */
    static String message(ReleaseRecord r) {
        String words = r.getStatus().replace('_', ' ');
        if ("rollback".equals(r.getTrigger())) {
            String head = r.getSourceReleaseId() != null ? "rollback to " + r.getSourceReleaseId() + " " + words : "rollback " + words;
            return r.getMessage() == null ? head : head + ": " + r.getMessage();
        }
        return r.getMessage() != null ? r.getMessage() : "apply " + words;
    }

    private static JsonNode raw(String json) {
        if (json == null) return NullNode.instance;
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return NullNode.instance;
        }
    }
}
