package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An app release (spec §4.2 {@code deployments}, app rows): the snapshot that was applied and how its rollout
 * went. {@code seq} orders releases created in the same millisecond (the original ordered by rowid).
 */
@Entity
@Table(name = "deployments")
public class ReleaseRecord {
    @Id
    @Column(name = "id")
    private String id;
    @Column(name = "app_name")
    private String appName;
    @Column(name = "service_name", nullable = false)
    private String serviceName;
    @Column(name = "trigger", nullable = false)
    private String trigger;
    @Column(name = "source_release_id")
    private String sourceReleaseId;
    @Column(name = "resumed_from_release_id")
    private String resumedFromReleaseId;
    @Column(name = "superseded_by_release_id")
    private String supersededByReleaseId;
    @Column(name = "manifest_hash", nullable = false)
    private String manifestHash;
    @Column(name = "config_snapshot", nullable = false)
    private String configSnapshot;
    @Column(name = "status", nullable = false)
    private String status;
    @Column(name = "message")
    private String message;
    @Column(name = "completed_targets", nullable = false)
    private int completedTargets;
    @Column(name = "failed_targets", nullable = false)
    private int failedTargets;
    @Column(name = "failure_details_json")
    private String failureDetailsJson;
    @Column(name = "rollout_targets_json")
    private String rolloutTargetsJson;
    @Column(name = "rollout_checkpoint_json")
    private String rolloutCheckpointJson;
    @Column(name = "rollout_control_state", nullable = false)
    private String controlState;
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    @Column(name = "seq", nullable = false)
    private long seq;

    protected ReleaseRecord() {
    }

    public ReleaseRecord(String id, String appName, String trigger, String sourceReleaseId, String manifestHash,
                         String configSnapshot, long createdAt, long seq) {
        this.id = id;
        this.appName = appName;
        this.serviceName = appName;
        this.trigger = trigger;
        this.sourceReleaseId = sourceReleaseId;
        this.manifestHash = manifestHash;
        this.configSnapshot = configSnapshot;
        this.status = "pending";
        this.controlState = "active";
        this.createdAt = createdAt;
        this.seq = seq;
    }

    /** The rollout's progress after a step: counts, targets, checkpoint and (when it changes) status. */
    public void progress(String status, String message, int completed, int failed, String failureDetailsJson,
                         String targetsJson, String checkpointJson) {
        this.status = status;
        this.message = message;
        this.completedTargets = completed;
        this.failedTargets = failed;
        this.failureDetailsJson = failureDetailsJson;
        this.rolloutTargetsJson = targetsJson;
        this.rolloutCheckpointJson = checkpointJson;
    }

    public void supersede(String byReleaseId) {
        this.status = "superseded";
        this.supersededByReleaseId = byReleaseId;
    }

    /** A rollout blocked on a failure is taken up again: in progress. */
    public void reopen() { this.status = "in_progress"; }

    public void setControlState(String controlState) { this.controlState = controlState; }

    public String getId() { return id; }
    public String getAppName() { return appName; }
    public String getTrigger() { return trigger; }
    public String getSourceReleaseId() { return sourceReleaseId; }
    public String getResumedFromReleaseId() { return resumedFromReleaseId; }
    public String getSupersededByReleaseId() { return supersededByReleaseId; }
    public String getManifestHash() { return manifestHash; }
    public String getConfigSnapshot() { return configSnapshot; }
    public String getStatus() { return status; }
    public String getMessage() { return message; }
    public int getCompletedTargets() { return completedTargets; }
    public int getFailedTargets() { return failedTargets; }
    public String getFailureDetailsJson() { return failureDetailsJson; }
    public String getRolloutTargetsJson() { return rolloutTargetsJson; }
    public String getRolloutCheckpointJson() { return rolloutCheckpointJson; }
    public String getControlState() { return controlState; }
    public long getCreatedAt() { return createdAt; }
    public long getSeq() { return seq; }
}
