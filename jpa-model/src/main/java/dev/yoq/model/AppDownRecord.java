package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An app taken down ({@code yoq down}): nothing of it runs, its crons included, until its next release. */
@Entity
@Table(name = "apps_down")
public class AppDownRecord {
    @Id
    @Column(name = "app_name")
    private String appName;
    @Column(name = "down_at", nullable = false)
    private long downAt;

    protected AppDownRecord() {
    }

    public AppDownRecord(String appName, long downAt) {
        this.appName = appName;
        this.downAt = downAt;
    }

    public String getAppName() { return appName; }
    public long getDownAt() { return downAt; }
}
