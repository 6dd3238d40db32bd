package dev.yoq.security;

import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.CommandRejectedException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The secret store (spec §1.7, §2.2): values sealed by {@link SecretCipher} before they leave this bean, so only
 * ciphertext goes through the command bus (and the Raft log) and into the database. Values are never logged, and
 * never in an error message; every change and every read of a value is audited by name. After a change the
 * running containers that mount the secret get the new value ({@link SecretDelivery}).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SecretService {
    public static final int MAX_VALUE_BYTES = 1 << 20;
    /** A secret becomes a file under /run/secrets in containers: its name must be a plain file name. */
    public static final Pattern NAME = dev.yoq.node.protocol.SecretNames.SECRET;

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    @Inject
    SecretKeys keys;

    @Inject
    SecretDelivery delivery;

    @Inject
    dev.yoq.cluster.ClusterInfo cluster;

    /**
     * Each server's secrets.key is its own, so a value sealed on one server would not open on another: until the
     * key is shared through the cluster, the store works on a single node only.
     */
    private void singleNode() {
        if (cluster.clustered()) {
            throw new SecurityException(SecurityException.Kind.INVALID, "secrets are not built for clusters yet: each server's "
                    + "secrets.key is its own (docs/security.md); use them on a single node");
        }
    }

    public static String checkName(String name) {
        if (name == null || name.isEmpty()) throw new SecurityException(SecurityException.Kind.INVALID, "name: missing");
        if (!NAME.matcher(name).matches()) {
            throw new SecurityException(SecurityException.Kind.INVALID, "secret name " + printable(name)
                    + " is invalid: 1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        if (name.startsWith(dev.yoq.security.mtls.ServiceCerts.FILE_PREFIX)) {
            throw new SecurityException(SecurityException.Kind.INVALID, "secret name " + name + " is yoq's own: names starting "
                    + dev.yoq.security.mtls.ServiceCerts.FILE_PREFIX + " are the files of service mTLS under /run/secrets");
        }
        return name;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    /** Stores (or replaces) a secret; returns true when it is new. Running containers that mount it see the new value. */
    public boolean set(String name, byte[] value, String actor) {
        singleNode();
        checkName(name);
        if (value.length > MAX_VALUE_BYTES) {
            throw new SecurityException(SecurityException.Kind.INVALID, "secret " + name + ": value is " + value.length
                    + " bytes, more than the " + MAX_VALUE_BYTES + " allowed");
        }
        boolean fresh = put(name, value, "secret_set", actor);
        delivery.changed(name);
        return fresh;
    }

    /** Seals the secret again under the current key, with a fresh nonce (spec: {@code secret rotate}). */
    public void rotate(String name, String actor) {
        singleNode();
        put(checkName(name), value(name), "secret_rotate", actor);
        delivery.changed(name);
    }

    /**
     * A new primary key for the keyset, then every secret sealed again under it; returns how many were. A crash half
     * way leaves the rest sealed under the old key, which the keyset still holds: running it again finishes.
     */
    public int rotateKey(String actor) {
        singleNode();
        int keyId = keys.cipher().rotateKey();
        int sealed = 0;
        List<String> failed = new java.util.ArrayList<>();
        for (String name : names()) {
            try {
                put(name, value(name), "secret_rekey", actor);
                sealed++;
            } catch (SecurityException e) {
                failed.add(name);
            }
        }
        bus.submit(new Command.RecordAudit(actor, "secret_key_rotate", "key " + Integer.toUnsignedString(keyId),
                failed.isEmpty() ? "ok" : "failed: " + failed.size() + " not sealed again", System.currentTimeMillis()));
        if (!failed.isEmpty()) {
            throw new SecurityException(SecurityException.Kind.UNAVAILABLE, "new key made, " + sealed + " secrets sealed again; these do not "
                    + "open with this node's key and stay as they were: " + String.join(", ", failed));
        }
        return sealed;
    }

    /** Refused (409, naming them) while containers have it: they could not start again without it. */
    public void remove(String name, String actor) {
        checkName(name);
        delivery.whileUnused(name, () -> {
            try {
                bus.submit(new Command.RemoveSecret(name, actor, System.currentTimeMillis()));
            } catch (CommandRejectedException e) {
                throw new SecurityException(SecurityException.Kind.NOT_FOUND, e.getMessage());
            }
        });
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> names() {
        @SuppressWarnings("unchecked")
        List<String> names = em.createNativeQuery("SELECT name FROM secrets ORDER BY name").getResultList();
        return names;
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public boolean exists(String name) {
        return !em.createNativeQuery("SELECT name FROM secrets WHERE name = ?1").setParameter(1, name).getResultList().isEmpty();
    }

    /** The value, for delivery into containers and for the local {@code secret get}; unknown: {@code secret not found: NAME}. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public byte[] value(String name) {
        List<?> rows = em.createNativeQuery("SELECT nonce, encrypted_value, tag FROM secrets WHERE name = ?1").setParameter(1, name).getResultList();
        if (rows.isEmpty()) throw new SecurityException(SecurityException.Kind.NOT_FOUND, "secret not found: " + name);
        Object[] r = (Object[]) rows.get(0);
        try {
            return keys.cipher().open(name, (byte[]) r[0], (byte[]) r[1], (byte[]) r[2]);
        } catch (IllegalStateException e) {
            throw new SecurityException(SecurityException.Kind.UNAVAILABLE, e.getMessage());
        }
    }

    private boolean put(String name, byte[] value, String action, String actor) {
        SecretCipher.Sealed s;
        try {
            s = keys.cipher().seal(name, value);
        } catch (IllegalStateException e) {
            throw new SecurityException(SecurityException.Kind.UNAVAILABLE, e.getMessage());
        }
        return bus.submit(new Command.PutSecret(name, s.nonceBase64(), s.ciphertextBase64(), s.tagBase64(), s.keyId(), action, actor,
                System.currentTimeMillis()));
    }
}
