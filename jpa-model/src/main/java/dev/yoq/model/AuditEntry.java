package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One row of the audit trail (spec §4.2 {@code audit_log}). Times are epoch milliseconds. */
@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "id")
    private Long id;

    @Column(name = "recorded_at", nullable = false)
    private long recordedAt;

    @Column(name = "actor", nullable = false)
    private String actor;

    @Column(name = "action", nullable = false)
    private String action;

    @Column(name = "target")
    private String target;

    @Column(name = "outcome", nullable = false)
    private String outcome;

    protected AuditEntry() {
    }

    public AuditEntry(long recordedAt, String actor, String action, String target, String outcome) {
        this.recordedAt = recordedAt;
        this.actor = actor;
        this.action = action;
        this.target = target;
        this.outcome = outcome;
    }

    public Long getId() { return id; }
    public long getRecordedAt() { return recordedAt; }
    public String getActor() { return actor; }
    public String getAction() { return action; }
    public String getTarget() { return target; }
    public String getOutcome() { return outcome; }
}
