package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One run of a worker or a cron job: its container, how it ended; a cron run skipped while the last still ran. */
@Entity
@Table(name = "workload_runs")
public class WorkloadRunRecord {
    @Id
    @Column(name = "id")
    private String id;
    @Column(name = "app_name", nullable = false)
    private String appName;
    @Column(name = "kind", nullable = false)
    private String kind;
    @Column(name = "name", nullable = false)
    private String name;
    @Column(name = "release_id")
    private String releaseId;
    @Column(name = "container_id")
    private String containerId;
    @Column(name = "outcome", nullable = false)
    private String outcome;
    @Column(name = "exit_code")
    private Integer exitCode;
    @Column(name = "message")
    private String message;
    @Column(name = "started_at", nullable = false)
    private long startedAt;
    @Column(name = "finished_at")
    private Long finishedAt;

    protected WorkloadRunRecord() {
    }

    public WorkloadRunRecord(String id, String appName, String kind, String name, String releaseId, String containerId,
                             String outcome, String message, long startedAt) {
        this.id = id;
        this.appName = appName;
        this.kind = kind;
        this.name = name;
        this.releaseId = releaseId;
        this.containerId = containerId;
        this.outcome = outcome;
        this.message = message;
        this.startedAt = startedAt;
        if (!"running".equals(outcome)) this.finishedAt = startedAt;
    }

    /**
     * A worker's or cron's run on a cluster's agent, read from its assignment (never stored here): no container on
     * this node, and no finish time (an agent reports how a run ended, not when).
     */
    public static WorkloadRunRecord onAgent(String id, String appName, String kind, String name, String releaseId, String outcome,
                                            Integer exitCode, String message, long startedAt) {
        WorkloadRunRecord r = new WorkloadRunRecord(id, appName, kind, name, releaseId, null, "running", message, startedAt);
        r.outcome = outcome;
        r.exitCode = exitCode;
        return r;
    }

    public void finish(String outcome, Integer exitCode, String message, long at) {
        this.outcome = outcome;
        this.exitCode = exitCode;
        this.message = message;
        this.finishedAt = at;
    }

    public void setContainerId(String containerId) { this.containerId = containerId; }

    public String getId() { return id; }
    public String getAppName() { return appName; }
    public String getKind() { return kind; }
    public String getName() { return name; }
    public String getReleaseId() { return releaseId; }
    public String getContainerId() { return containerId; }
    public String getOutcome() { return outcome; }
    public Integer getExitCode() { return exitCode; }
    public String getMessage() { return message; }
    public long getStartedAt() { return startedAt; }
    public Long getFinishedAt() { return finishedAt; }
}
