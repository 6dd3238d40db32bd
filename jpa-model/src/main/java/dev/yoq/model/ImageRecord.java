package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One pulled image tag (spec §4.2 {@code images}, extended by migration V003). Times are epoch milliseconds. */
@Entity
@Table(name = "images")
public class ImageRecord {

    @Id
    @Column(name = "id")
    private String id;

    @Column(name = "registry", nullable = false)
    private String registry;

    @Column(name = "repository", nullable = false)
    private String repository;

    @Column(name = "tag", nullable = false)
    private String tag;

    @Column(name = "reference", nullable = false)
    private String reference;

    @Column(name = "manifest_digest", nullable = false)
    private String manifestDigest;

    @Column(name = "config_digest", nullable = false)
    private String configDigest;

    @Column(name = "total_size", nullable = false)
    private long totalSize;

    @Column(name = "layers_json", nullable = false)
    private String layersJson;

    @Column(name = "config_json", nullable = false)
    private String configJson;

    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected ImageRecord() {
    }

    public ImageRecord(String id, String registry, String repository, String tag, String reference, long createdAt) {
        this.id = id;
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.reference = reference;
        this.createdAt = createdAt;
    }

    public void pulled(String manifestDigest, String configDigest, long totalSize, String layersJson, String configJson) {
        this.manifestDigest = manifestDigest;
        this.configDigest = configDigest;
        this.totalSize = totalSize;
        this.layersJson = layersJson;
        this.configJson = configJson;
    }

    public String getId() { return id; }
    public String getRegistry() { return registry; }
    public String getRepository() { return repository; }
    public String getTag() { return tag; }
    public String getReference() { return reference; }
    public String getManifestDigest() { return manifestDigest; }
    public String getConfigDigest() { return configDigest; }
    public long getTotalSize() { return totalSize; }
    public String getLayersJson() { return layersJson; }
    public String getConfigJson() { return configJson; }
    public long getCreatedAt() { return createdAt; }
}
