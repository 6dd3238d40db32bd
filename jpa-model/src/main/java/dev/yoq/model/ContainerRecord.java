package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One container on this node (spec §4.2 {@code containers}, extended by migration V002). Times are epoch
 * milliseconds. Changed only by the state machine; the runtime package decides, this class only holds.
 */
@Entity
@Table(name = "containers")
public class ContainerRecord {

    @Id
    @Column(name = "id")
    private String id;

    @Column(name = "name")
    private String name;

    @Column(name = "rootfs", nullable = false)
    private String rootfs;

    @Column(name = "image")
    private String image;

    @Column(name = "command", nullable = false)
    private String command;

    @Column(name = "hostname", nullable = false)
    private String hostname;

    @Column(name = "status", nullable = false)
    private String status;

    @Column(name = "status_reason")
    private String statusReason;

    @Column(name = "desired_state", nullable = false)
    private String desiredState;

    @Column(name = "pid")
    private Integer pid;

    @Column(name = "exit_code")
    private Integer exitCode;

    @Column(name = "exit_signal")
    private Integer exitSignal;

    @Column(name = "oom_killed", nullable = false)
    private boolean oomKilled;

    @Column(name = "ip_address")
    private String ipAddress;

    @Column(name = "veth_host")
    private String vethHost;

    @Column(name = "app_name")
    private String appName;

    @Column(name = "workload_kind")
    private String workloadKind;

    @Column(name = "workload_name")
    private String workloadName;

    @Column(name = "release_id")
    private String releaseId;

    @Column(name = "config_hash")
    private String configHash;

    @Column(name = "spec_json", nullable = false)
    private String specJson;

    @Column(name = "restart_policy", nullable = false)
    private String restartPolicy;

    @Column(name = "restart_count", nullable = false)
    private int restartCount;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(name = "started_at")
    private Long startedAt;

    @Column(name = "finished_at")
    private Long finishedAt;

    protected ContainerRecord() {
    }

    public ContainerRecord(String id, String name, String rootfs, String image, String command, String hostname,
                           String specJson, String restartPolicy, long createdAt) {
        this.id = id;
        this.name = name;
        this.rootfs = rootfs;
        this.image = image;
        this.command = command;
        this.hostname = hostname;
        this.specJson = specJson;
        this.restartPolicy = restartPolicy;
        this.createdAt = createdAt;
        this.status = "created";
        this.desiredState = "running";
    }

    public void started(int pid, long at) {
        this.status = "running";
        this.statusReason = null;
        this.pid = pid;
        this.exitCode = null;
        this.exitSignal = null;
        this.oomKilled = false;
        this.startedAt = at;
        this.finishedAt = null;
    }

    public void ended(String status, Integer exitCode, Integer signal, boolean oomKilled, String reason, Long startedAt,
                      long at) {
        if (startedAt != null) this.startedAt = startedAt;
        this.status = status;
        this.pid = null;
        this.exitCode = exitCode;
        this.exitSignal = signal;
        this.oomKilled = oomKilled;
        this.statusReason = reason;
        this.finishedAt = at;
    }

    /** Marks this container as an app's workload, started by a release with this effective config. */
    public void assignWorkload(String appName, String kind, String name, String releaseId, String configHash) {
        this.appName = appName;
        this.workloadKind = kind;
        this.workloadName = name;
        this.releaseId = releaseId;
        this.configHash = configHash;
    }

    public String getAppName() { return appName; }
    public String getWorkloadKind() { return workloadKind; }
    public String getWorkloadName() { return workloadName; }
    public String getReleaseId() { return releaseId; }
    public String getConfigHash() { return configHash; }

    public void setDesiredState(String desiredState) { this.desiredState = desiredState; }
    public void countRestart() { this.restartCount++; }

    public String getId() { return id; }
    public String getName() { return name; }
    public String getRootfs() { return rootfs; }
    public String getImage() { return image; }
    public String getCommand() { return command; }
    public String getHostname() { return hostname; }
    public String getStatus() { return status; }
    public String getStatusReason() { return statusReason; }
    public String getDesiredState() { return desiredState; }
    public Integer getPid() { return pid; }
    public Integer getExitCode() { return exitCode; }
    public Integer getExitSignal() { return exitSignal; }
    public boolean isOomKilled() { return oomKilled; }
    public String getIpAddress() { return ipAddress; }

    public String getVethHost() { return vethHost; }

    /** The container's bridge address and the host end of its veth pair, set when its lease is taken. */
    public void attach(String ip, String vethHost) {
        this.ipAddress = ip;
        this.vethHost = vethHost;
    }
    public String getSpecJson() { return specJson; }
    public String getRestartPolicy() { return restartPolicy; }
    public int getRestartCount() { return restartCount; }
    public long getCreatedAt() { return createdAt; }
    public Long getStartedAt() { return startedAt; }
    public Long getFinishedAt() { return finishedAt; }
}
