package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** This node's identity, created once on first start and updated on every start. */
@Entity
@Table(name = "nodes")
public class NodeRecord {

    @Id
    @Column(name = "id", length = 12)
    private String id;

    @Column(name = "role", nullable = false)
    private String role;

    @Column(name = "hostname", nullable = false)
    private String hostname;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    @Column(name = "last_started_at", nullable = false)
    private long lastStartedAt;

    @Column(name = "last_version", nullable = false)
    private String lastVersion;

    @Column(name = "start_count", nullable = false)
    private long startCount;

    protected NodeRecord() {
    }

    public NodeRecord(String id, String role, String hostname, long createdAt, String version) {
        this.id = id;
        this.role = role;
        this.hostname = hostname;
        this.createdAt = createdAt;
        this.lastStartedAt = createdAt;
        this.lastVersion = version;
    }

    public void recordStart(long at, String version) {
        this.lastStartedAt = at;
        this.lastVersion = version;
        this.startCount++;
    }

    public String getId() { return id; }
    public String getRole() { return role; }
    public String getHostname() { return hostname; }
    public long getCreatedAt() { return createdAt; }
    public long getLastStartedAt() { return lastStartedAt; }
    public String getLastVersion() { return lastVersion; }
    public long getStartCount() { return startCount; }
}
