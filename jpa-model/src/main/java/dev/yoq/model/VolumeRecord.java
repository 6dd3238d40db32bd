package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A named volume of an app (spec §4.2 {@code volumes}); its data outlives containers, releases and {@code down}. */
@Entity
@Table(name = "volumes")
@IdClass(VolumeRecord.Key.class)
public class VolumeRecord {
    @Id
    @Column(name = "name")
    private String name;
    @Id
    @Column(name = "app_name")
    private String appName;
    @Column(name = "driver", nullable = false)
    private String driver;
    @Column(name = "path", nullable = false)
    private String path;
    @Column(name = "status", nullable = false)
    private String status;
    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected VolumeRecord() {
    }

    public VolumeRecord(String name, String appName, String driver, String path, long createdAt) {
        this.name = name;
        this.appName = appName;
        this.driver = driver;
        this.path = path;
        this.status = "created";
        this.createdAt = createdAt;
    }

    public void redefine(String driver, String path) {
        this.driver = driver;
        this.path = path;
    }

    public String getName() { return name; }
    public String getAppName() { return appName; }
    public String getDriver() { return driver; }
    public String getPath() { return path; }
    public String getStatus() { return status; }
    public long getCreatedAt() { return createdAt; }

    public static class Key implements Serializable {
        private String name;
        private String appName;

        public Key() {
        }

        public Key(String name, String appName) {
            this.name = name;
            this.appName = appName;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(name, k.name) && Objects.equals(appName, k.appName);
        }

        @Override
        public int hashCode() { return Objects.hash(name, appName); }
    }
}
