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
 * {@code env_secrets} become environment variables when the container is created. A secret's new value reaches
 * every running container that has it as a file at once, by an atomic replace, with no restart; an environment
 * variable keeps its value until the container is created again (a new release, or {@code yoq down}/{@code up}).
 * Nothing here logs a value.
 */
@ApplicationScoped
public class SecretDelivery {
    private static final Logger LOG = Logger.getLogger(SecretDelivery.class.getName());
    /** What one container may be given in all (its files travel to the helper in one message). */
    public static final int MAX_BYTES_PER_CONTAINER = 4 << 20;
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** The values a new container gets: files by name, and {@code VAR=value} entries. Never logged, never stored. */
    public record Resolved(Map<String, byte[]> files, List<String> env) {
        public boolean any() {
            return !files.isEmpty() || !env.isEmpty();
        }

        @Override
        public String toString() {
            return "Resolved" + files.keySet() + " env " + env.stream().map(e -> e.substring(0, e.indexOf('='))).toList();
        }
    }

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    SecretService secrets;

    @Inject
    NodeConnector node;

    /** The values for a container's secrets; an unknown secret or a bad entry is an error naming it. */
    public Resolved resolve(List<String> fileNames, List<String> envEntries) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        long total = 0;
        for (String name : fileNames) {
            byte[] v = secrets.value(SecretService.checkName(name));
            files.put(name, v);
            total += v.length;
        }
        List<String> env = new ArrayList<>();
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
            env.add(var + "=" + new String(v, java.nio.charset.StandardCharsets.UTF_8));
            total += v.length;
        }
        if (total > MAX_BYTES_PER_CONTAINER) {
            throw new SecurityException(SecurityException.Kind.INVALID, "a container's secrets may hold " + MAX_BYTES_PER_CONTAINER
                    + " bytes in all, these hold " + total);
        }
        return new Resolved(files, env);
    }

    /** The container's environment with the secrets' variables in place of any entry of the same name. */
    public static List<String> withEnv(List<String> env, Resolved resolved) {
        List<String> vars = resolved.env().stream().map(e -> e.substring(0, e.indexOf('=') + 1)).toList();
        List<String> all = new ArrayList<>(env.stream().filter(e -> vars.stream().noneMatch(e::startsWith)).toList());
        all.addAll(resolved.env());
        return all;
    }

    /** Before a start of an existing container: its files as they are now (a host restart empties the tmpfs). */
    public void beforeStart(NodeClient client, String containerId) throws IOException {
        List<String> names = fileSecretsOf(containerId);
        if (names.isEmpty()) return;
        client.secrets(containerId, resolve(names, List.of()).files());
    }

    /** A secret changed: every running container that has it as a file gets its files again. Failures are logged. */
    public void changed(String name) {
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("SELECT DISTINCT s.container_id FROM container_secrets s JOIN containers c "
                + "ON c.id = s.container_id WHERE s.name = ?1 AND s.env = '' AND c.status = 'running'").setParameter(1, name).getResultList();
        for (String id : ids) {
            try (NodeClient client = node.open()) {
                client.secrets(id, resolve(fileSecretsOf(id), List.of()).files());
            } catch (IOException | HelperException | SecurityException e) {
                LOG.log(Level.WARNING, "secret " + name + ": container " + id + " keeps its old value: " + e.getMessage());
            }
        }
    }

    private List<String> fileSecretsOf(String containerId) {
        @SuppressWarnings("unchecked")
        List<String> names = em.createNativeQuery("SELECT name FROM container_secrets WHERE container_id = ?1 AND env = '' ORDER BY name")
                .setParameter(1, containerId).getResultList();
        return names;
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) if (a[i] == b) return i;
        return -1;
    }
}
