package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The ACME settings an acme certificate was obtained with, for its renewals (migration V008
 * {@code certificate_acme_config}): one JSON object per domain, removed with its certificate (foreign key, cascade).
 * Times in epoch milliseconds.
 */
@Entity
@Table(name = "certificate_acme_config")
public class AcmeConfigRecord {
    @Id
    @Column(name = "domain")
    private String domain;
    @Column(name = "config_json", nullable = false)
    private String configJson;
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected AcmeConfigRecord() {
    }

    public AcmeConfigRecord(String domain, String configJson, long at) {
        this.domain = domain;
        this.configJson = configJson;
        this.createdAt = at;
        this.updatedAt = at;
    }

    public void replace(String configJson, long at) {
        this.configJson = configJson;
        this.updatedAt = at;
    }

    public String getDomain() { return domain; }
    public String getConfigJson() { return configJson; }
    public long getCreatedAt() { return createdAt; }
    public long getUpdatedAt() { return updatedAt; }
}
