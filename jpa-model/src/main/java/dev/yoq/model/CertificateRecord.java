package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A TLS certificate for one domain (migration V008 {@code certificates}): the PEM chain, leaf first, and its
 * PKCS#8 private key. Units differ on purpose: {@code notAfter} is the leaf's expiry in epoch <b>seconds</b> (what
 * certificates and the API speak), while {@code createdAt} and {@code updatedAt} are epoch <b>milliseconds</b>
 * like every other table's times (V001). The key never leaves the server through the API.
 */
@Entity
@Table(name = "certificates")
public class CertificateRecord {
    public static final String MANUAL = "manual";
    public static final String ACME = "acme";

    @Id
    @Column(name = "domain")
    private String domain;
    @Column(name = "cert_pem", nullable = false)
    private String certPem;
    @Column(name = "key_pem", nullable = false)
    private String keyPem;
    @Column(name = "not_after", nullable = false)
    private long notAfter;
    @Column(name = "source", nullable = false)
    private String source;
    @Column(name = "created_at", nullable = false)
    private long createdAt;
    @Column(name = "updated_at", nullable = false)
    private long updatedAt;

    protected CertificateRecord() {
    }

    public CertificateRecord(String domain, String certPem, String keyPem, long notAfter, String source, long at) {
        this.domain = domain;
        this.createdAt = at;
        replace(certPem, keyPem, notAfter, source, at);
    }

    /** A renewal or re-install: new material, same row; {@code createdAt} stays. */
    public void replace(String certPem, String keyPem, long notAfter, String source, long at) {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.notAfter = notAfter;
        this.source = source;
        this.updatedAt = at;
    }

    public String getDomain() { return domain; }
    public String getCertPem() { return certPem; }
    public String getKeyPem() { return keyPem; }
    public long getNotAfter() { return notAfter; }
    public String getSource() { return source; }
    public long getCreatedAt() { return createdAt; }
    public long getUpdatedAt() { return updatedAt; }
}
