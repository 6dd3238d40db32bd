package dev.yoq.security;

import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.node.protocol.HelperException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Secrets into containers. A workload's {@code secrets} become files in its own tmpfs, bound read-only on
 * {@code /run/secrets} (the node helper writes them, mode 0400, owned by the container's user); its
 * {@code env_secrets} become environment variables, kept on the same tmpfs (never in the container's spec on disk)
 * and read by yoq-init at each start. A secret's new value reaches every running container that has it: a file at
 * once, by an atomic replace, with no restart; a variable at the container's next start (a restart, a new release).
 * Nothing here logs a value.
 */
@ApplicationScoped
public class SecretDelivery {
    private static final Logger LOG = Logger.getLogger(SecretDelivery.class.getName());
    /** What one container may be given in all (its files travel to the helper in one message). */
    public static final int MAX_BYTES_PER_CONTAINER = 4 << 20;
    static final Pattern ENV_NAME = dev.yoq.node.protocol.SecretNames.VARIABLE;
    /** The kernel's MAX_ARG_STRLEN: one environment entry, "VAR=value" and its NUL, is at most 32 pages. */
    static final int MAX_ENV_ENTRY = 131_072;

    /** The values a container gets: files by name, variables by name. Never logged, never stored but on its tmpfs. */
    public record Resolved(Map<String, byte[]> files, Map<String, byte[]> env) {
        public boolean any() {
            return !files.isEmpty() || !env.isEmpty();
        }

        @Override
        public String toString() {
            return "Resolved" + files.keySet() + " env " + env.keySet();
        }
    }

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    SecretService secrets;

    @Inject
    NodeConnector node;

    @Inject
    dev.yoq.state.CommandBus bus;

    @Inject
    dev.yoq.security.mtls.ServiceCerts mtls;

    /** The values for a container's secrets; an unknown secret or a bad entry is an error naming it. */
    public Resolved resolve(List<String> fileNames, List<String> envEntries) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        for (String name : fileNames) {
            byte[] v = secrets.value(SecretService.checkName(name));
            files.put(name, v);
            total += v.length;
        }
        Map<String, byte[]> env = new LinkedHashMap<>();
        for (String entry : envEntries) {
            int eq = entry.indexOf('=');
            String var = eq < 0 ? "" : entry.substring(0, eq);
            if (!ENV_NAME.matcher(var).matches()) {
                throw new SecurityException(SecurityException.Kind.INVALID, "env_secrets entry " + entry
                        + " must be VAR=secret-name, VAR a shell variable name");
            }
            byte[] v = secrets.value(SecretService.checkName(entry.substring(eq + 1)));
            if (indexOf(v, (byte) 0) >= 0) {
                throw new SecurityException(SecurityException.Kind.INVALID, "secret " + entry.substring(eq + 1)
                        + " holds a NUL byte, which no environment variable can: give it as a file (secrets)");
            }
            if (var.length() + 2 + v.length > MAX_ENV_ENTRY) {
                throw new SecurityException(SecurityException.Kind.INVALID, "secret " + entry.substring(eq + 1) + " is " + v.length
                        + " bytes, too long for an environment variable (the kernel takes 128 KiB): give it as a file (secrets)");
            }
            try {
                java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(v));
            } catch (java.nio.charset.CharacterCodingException notText) {
                throw new SecurityException(SecurityException.Kind.INVALID, "secret " + entry.substring(eq + 1)
                        + " is not UTF-8 text, which an environment variable must be: give it as a file (secrets)");
            }
            env.put(var, v);
            total += v.length;
        }
        if (total > MAX_BYTES_PER_CONTAINER) {
            throw new SecurityException(SecurityException.Kind.INVALID, "a container's secrets may hold " + MAX_BYTES_PER_CONTAINER
                    + " bytes in all, these hold " + total);
        }
        return new Resolved(files, env);
    }

    /** The container's environment without the variables its secrets set (theirs come last, from the tmpfs). */
    public static List<String> withoutSecretVars(List<String> env, List<String> envSecrets) {
        List<String> vars = envSecrets.stream().map(e -> e.substring(0, e.indexOf('=') + 1)).toList();
        return env.stream().filter(e -> vars.stream().noneMatch(e::startsWith)).toList();
    }

    /**
     * Records which secrets a new container has, each checked to exist now: under the same lock as a removal, so a
     * secret cannot go between the check and the record.
     */
    public synchronized void recordUses(String containerId, List<String> files, List<String> envEntries) {
        for (String name : files) if (!secrets.exists(name)) throw new SecurityException(SecurityException.Kind.NOT_FOUND, "secret not found: " + name);
        for (String e : envEntries) {
            String name = e.substring(e.indexOf('=') + 1);
            if (!secrets.exists(name)) throw new SecurityException(SecurityException.Kind.NOT_FOUND, "secret not found: " + name);
        }
        bus.submit(new dev.yoq.state.Command.SetContainerSecrets(containerId, files, envEntries));
    }

    /** Runs {@code remove} unless a container has the secret (409 naming them); never while a container records it. */
    public synchronized void whileUnused(String name, Runnable remove) {
        @SuppressWarnings("unchecked")
        List<String> users = em.createNativeQuery("SELECT DISTINCT COALESCE(c.name, c.id) FROM container_secrets s JOIN containers c "
                + "ON c.id = s.container_id WHERE s.name = ?1 ORDER BY 1").setParameter(1, name).getResultList();
        if (!users.isEmpty()) {
            throw new SecurityException(SecurityException.Kind.CONFLICT, "secret " + name + " is in use by containers " + String.join(", ", users)
                    + ": take their app down (or remove them) first");
        }
        remove.run();
    }

    /**
     * A created container's secrets, read now and handed to the helper: under the lock {@link #changed} takes, so
     * a value set meanwhile is either read here or sent by {@link #changed} after this.
     */
    public synchronized void deliver(NodeClient client, String containerId) throws IOException {
        send(client, containerId, true);
    }

    /** Before a start of an existing container: its secrets as they are now (a host restart empties their tmpfs). */
    public synchronized void beforeStart(NodeClient client, String containerId) throws IOException {
        send(client, containerId, false);
    }

    /**
     * A secret changed: every running container that has it gets its secrets again, so a file changes in place at
     * once and a variable takes the new value at the container's next start. One change at a time, each reading
     * the values anew, so the last value set is the one left. Failures are logged, never with a value.
     */
    public synchronized void changed(String name) {
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("SELECT DISTINCT s.container_id FROM container_secrets s JOIN containers c "
                + "ON c.id = s.container_id WHERE s.name = ?1 AND c.status IN ('created', 'running')").setParameter(1, name).getResultList();
        for (String id : ids) redeliver(id, "secret " + name);
    }

    /**
     * A container's files and variables again, as they are now (a secret or its service's certificate changed);
     * false, logged without a value, when they could not be given.
     */
    public synchronized boolean redeliver(String containerId, String why) {
        try (NodeClient client = node.open()) {
            send(client, containerId, true);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, why + ": container " + containerId + " keeps its old files: " + e.getMessage());
            return false;
        }
    }

    /** Its secrets and, for a service's replica with mTLS on, its certificate files; nothing sent when there are none and {@code always} is false. */
    private void send(NodeClient client, String containerId, boolean always) throws IOException {
        Uses uses = usesOf(containerId);
        Map<String, byte[]> certs = mtls.filesFor(containerId);
        if (!always && uses.files().isEmpty() && uses.env().isEmpty() && certs.isEmpty()) return;
        Resolved r = resolve(uses.files(), uses.env());
        Map<String, byte[]> files = new LinkedHashMap<>(r.files());
        files.putAll(certs);
        client.secrets(containerId, files, r.env());
    }

    /** What a container was given, by name: files, and {@code VAR=name} entries. */
    record Uses(List<String> files, List<String> env) {}

    private Uses usesOf(String containerId) {
        List<String> files = new ArrayList<>();
        List<String> env = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT name, env FROM container_secrets WHERE container_id = ?1 ORDER BY name, env")
                .setParameter(1, containerId).getResultList()) {
            Object[] r = (Object[]) row;
            if (((String) r[1]).isEmpty()) files.add((String) r[0]); else env.add(r[1] + "=" + r[0]);
        }
        return new Uses(files, env);
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }
}
