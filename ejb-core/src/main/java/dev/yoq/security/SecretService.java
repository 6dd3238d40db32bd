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
        put(checkName(name), value(name), "secret_rotate", actor);
        delivery.changed(name);
    }

    /**
     * A new primary key for the keyset, then every secret sealed again under it; returns how many were. A crash half
     * way leaves the rest sealed under the old key, which the keyset still holds: running it again finishes.
     */
    public int rotateKey(String actor) {
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
        List<String> assigned = assignedUses(name);
        if (!assigned.isEmpty()) {
            throw new SecurityException(SecurityException.Kind.CONFLICT, "secret " + name + " is in use by work on agents ("
                    + String.join(", ", assigned) + "): take their app down first");
        }
        delivery.whileUnused(name, () -> {
            try {
                bus.submit(new Command.RemoveSecret(name, actor, System.currentTimeMillis()));
            } catch (CommandRejectedException e) {
                throw new SecurityException(SecurityException.Kind.NOT_FOUND, e.getMessage());
            }
        });
    }

    /** On a cluster: the workloads on agents, as {@code app/workload}, whose placed work has the secret. */
    private List<String> assignedUses(String name) {
        if (!cluster.clustered()) return List.of();
        List<String> out = new java.util.ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT app_name, workload_name, details FROM assignments WHERE status IN ('pending', 'running') "
                + "AND details LIKE ?1").setParameter(1, "%secrets%").getResultList()) {
            Object[] r = (Object[]) row;
            String use = r[0] + "/" + r[1];
            if (dev.yoq.cluster.work.RunDetails.secrets((String) r[2]).contains(name) && !out.contains(use)) out.add(use);
        }
        return out;
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
