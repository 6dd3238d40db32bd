package dev.yoq.state;

import dev.yoq.model.AuditEntry;
import jakarta.persistence.EntityManager;
import java.util.Base64;

/**
 * The state machine's secret, token and audit-retention commands, on the replicated {@code secrets} and
 * {@code tokens} tables. Only sealed values and token hashes ever reach these rows; the audit names the secret,
 * never its value.
 */
final class SecurityTransitions {
    private SecurityTransitions() {}

    static Object apply(Command<?> command, EntityManager em) {
        if (command instanceof Command.PutSecret c) return putSecret(c, em);
        if (command instanceof Command.RemoveSecret c) {
            int gone = em.createNativeQuery("DELETE FROM secrets WHERE name = ?1").setParameter(1, c.name()).executeUpdate();
            if (gone == 0) throw new CommandRejectedException("secret not found: " + c.name());
            em.persist(new AuditEntry(c.at(), c.actor(), "secret_delete", c.name(), "ok"));
            return null;
        }
        if (command instanceof Command.PutSecretKeyset c) return putKeyset(c, em);
        if (command instanceof Command.CreateToken c) return createToken(c, em);
        if (command instanceof Command.RevokeToken c) {
            int done = em.createNativeQuery("UPDATE tokens SET revoked_at = ?1 WHERE name = ?2 AND revoked_at IS NULL")
                    .setParameter(1, c.at()).setParameter(2, c.name()).executeUpdate();
            if (done == 0) {
                throw new CommandRejectedException(count(em, "SELECT COUNT(*) FROM tokens WHERE name = ?1", c.name()) == 0
                        ? "token not found: " + c.name() : "token " + c.name() + " is revoked already");
            }
            em.persist(new AuditEntry(c.at(), c.actor(), "token_revoke", c.name(), "ok"));
            return null;
        }
        if (command instanceof Command.PutServiceCa c) {
            if (count(em, "SELECT COUNT(*) FROM cluster_ca WHERE id = ?1", 1) > 0) throw new CommandRejectedException("the service CA exists already");
            Base64.Decoder b64 = Base64.getDecoder();
            em.createNativeQuery("INSERT INTO cluster_ca (id, cert_pem, encrypted_key, key_nonce, key_tag, key_id, created_at, not_after) "
                            + "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)").setParameter(1, c.certPem()).setParameter(2, b64.decode(c.ciphertext()))
                    .setParameter(3, b64.decode(c.nonce())).setParameter(4, b64.decode(c.tag())).setParameter(5, c.keyId())
                    .setParameter(6, c.at()).setParameter(7, c.notAfter()).executeUpdate();
            return null;
        }
        if (command instanceof Command.PutServiceCert c) {
            Base64.Decoder b64 = Base64.getDecoder();
            em.createNativeQuery("INSERT OR REPLACE INTO service_certs (service, cert_pem, encrypted_key, key_nonce, key_tag, key_id, not_after, created_at) "
                            + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)").setParameter(1, c.service()).setParameter(2, c.certPem())
                    .setParameter(3, b64.decode(c.ciphertext())).setParameter(4, b64.decode(c.nonce())).setParameter(5, b64.decode(c.tag()))
                    .setParameter(6, c.keyId()).setParameter(7, c.notAfter()).setParameter(8, c.at()).executeUpdate();
            return null;
        }
        if (command instanceof Command.PruneServiceCerts) {
            return em.createNativeQuery("DELETE FROM service_certs WHERE service NOT IN (SELECT service_name FROM services)").executeUpdate();
        }
        if (command instanceof Command.PruneAudit c) {
            int old = em.createNativeQuery("DELETE FROM audit_log WHERE recorded_at < ?1").setParameter(1, c.before()).executeUpdate();
            int over = em.createNativeQuery("DELETE FROM audit_log WHERE id NOT IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT ?1)")
                    .setParameter(1, c.keep()).executeUpdate();
            return old + over;
        }
        throw new IllegalArgumentException(command.getClass().getName());
    }

    private static Boolean putSecret(Command.PutSecret c, EntityManager em) {
        Base64.Decoder b64 = Base64.getDecoder();
        boolean fresh = count(em, "SELECT COUNT(*) FROM secrets WHERE name = ?1", c.name()) == 0;
        String sql = fresh
                ? "INSERT INTO secrets (encrypted_value, nonce, tag, key_id, updated_at, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)"
                : "UPDATE secrets SET encrypted_value = ?1, nonce = ?2, tag = ?3, key_id = ?4, updated_at = ?5 WHERE name = ?6";
        em.createNativeQuery(sql).setParameter(1, b64.decode(c.ciphertext())).setParameter(2, b64.decode(c.nonce()))
                .setParameter(3, b64.decode(c.tag())).setParameter(4, c.keyId()).setParameter(5, c.at()).setParameter(6, c.name())
                .executeUpdate();
        em.persist(new AuditEntry(c.at(), c.actor(), c.action(), c.name(), "ok"));
        return fresh;
    }

    private static Void putKeyset(Command.PutSecretKeyset c, EntityManager em) {
        java.util.List<?> rows = em.createNativeQuery("SELECT primary_key_id FROM secret_keysets WHERE id = 1").getResultList();
        int current = rows.isEmpty() ? 0 : ((Number) rows.get(0)).intValue();
        if (current != c.expectedPrimaryKeyId()) {
            throw new CommandRejectedException("the cluster's secrets keyset changed meanwhile (primary key "
                    + Integer.toUnsignedString(current) + ", not " + Integer.toUnsignedString(c.expectedPrimaryKeyId()) + ")");
        }
        em.createNativeQuery("INSERT OR REPLACE INTO secret_keysets (id, keyset, primary_key_id, updated_at) VALUES (1, ?1, ?2, ?3)")
                .setParameter(1, Base64.getDecoder().decode(c.encryptedKeyset())).setParameter(2, c.primaryKeyId())
                .setParameter(3, c.at()).executeUpdate();
        em.persist(new AuditEntry(c.at(), c.actor(), rows.isEmpty() ? "secret_keyset_create" : "secret_key_rotate_cluster",
                "key " + Integer.toUnsignedString(c.primaryKeyId()), "ok"));
        return null;
    }

    private static Void createToken(Command.CreateToken c, EntityManager em) {
        if (count(em, "SELECT COUNT(*) FROM tokens WHERE name = ?1", c.name()) > 0) {
            throw new CommandRejectedException("token " + c.name() + " exists already");
        }
        if (count(em, "SELECT COUNT(*) FROM tokens WHERE secret_hash = ?1", c.secretHash()) > 0) {
            throw new CommandRejectedException("token secret is taken");
        }
        em.createNativeQuery("INSERT INTO tokens (name, secret_hash, scopes, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")
                .setParameter(1, c.name()).setParameter(2, c.secretHash()).setParameter(3, c.scopes()).setParameter(4, c.at())
                .setParameter(5, c.expiresAt()).executeUpdate();
        em.persist(new AuditEntry(c.at(), c.actor(), "token_create", c.name(), "ok"));
        return null;
    }

    private static long count(EntityManager em, String sql, Object param) {
        return ((Number) em.createNativeQuery(sql).setParameter(1, param).getSingleResult()).longValue();
    }
}
