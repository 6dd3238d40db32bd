package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A network policy rule (spec §4.2 {@code network_policies}): deny or allow from one name to another. */
@Entity
@Table(name = "network_policies")
public class PolicyRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    private Long id;

    @Column(name = "source_service", nullable = false)
    private String source;

    @Column(name = "target_service", nullable = false)
    private String target;

    @Column(name = "action", nullable = false)
    private String action;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected PolicyRecord() {
    }

    public PolicyRecord(String source, String target, String action, long createdAt) {
        this.source = source;
        this.target = target;
        this.action = action;
        this.createdAt = createdAt;
    }

    public Long getId() { return id; }

    public String getSource() { return source; }

    public String getTarget() { return target; }

    public String getAction() { return action; }

    public void setAction(String action) { this.action = action; }

    public long getCreatedAt() { return createdAt; }
}
