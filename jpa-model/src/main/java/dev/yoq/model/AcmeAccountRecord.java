package dev.yoq.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The ACME account key of one email (migration V008 {@code acme_accounts}): an EC P-256 pair as PEM, made on the
 * email's first order and never replaced (the CA knows the account by it), with the directory and account URL it
 * was last used with. The key never leaves the server. {@code createdAt} in epoch milliseconds.
 */
@Entity
@Table(name = "acme_accounts")
public class AcmeAccountRecord {
    @Id
    @Column(name = "email")
    private String email;
    @Column(name = "directory_url", nullable = false)
    private String directoryUrl;
    @Column(name = "key_pem", nullable = false)
    private String keyPem;
    @Column(name = "account_url")
    private String accountUrl;
    @Column(name = "created_at", nullable = false)
    private long createdAt;

    protected AcmeAccountRecord() {
    }

    public AcmeAccountRecord(String email, String directoryUrl, String keyPem, String accountUrl, long at) {
        this.email = email;
        this.directoryUrl = directoryUrl;
        this.keyPem = keyPem;
        this.accountUrl = accountUrl;
        this.createdAt = at;
    }

    /** Where the key was last used; the key itself stays. */
    public void usedAt(String directoryUrl, String accountUrl) {
        this.directoryUrl = directoryUrl;
        if (accountUrl != null) this.accountUrl = accountUrl;
    }

    public String getEmail() { return email; }
    public String getDirectoryUrl() { return directoryUrl; }
    public String getKeyPem() { return keyPem; }
    public String getAccountUrl() { return accountUrl; }
    public long getCreatedAt() { return createdAt; }

    /** Without the key: an entity may be logged. */
    @Override
    public String toString() {
        return "AcmeAccountRecord[email=" + email + ", directoryUrl=" + directoryUrl + ", accountUrl=" + accountUrl + "]";
    }
}
