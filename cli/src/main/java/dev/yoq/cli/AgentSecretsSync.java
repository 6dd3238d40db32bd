package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.crypto.tink.KeysetHandle;
import dev.yoq.security.AgentSealing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster secrets an agent's work uses, kept as copies in its node's own secret store (sealed there by that node's
 * {@code secrets.key}), so the node's server gives them to containers as files and variables and changes a file in
 * place when a value changes, exactly as on a single node. Values come from a server sealed to a key this process
 * made for itself ({@link AgentSealing}); a copy is fetched again only when its version changed, and removed once no
 * work here names it. Which copies this agent made, with their versions, is kept in {@code <data>/cluster/secrets}, so a
 * restarted agent removes what it no longer needs and leaves the node's other secrets alone.
 */
final class AgentSecretsSync {
    /** How the list writes a copy whose version is not known yet (made, or being made, when the agent stopped). */
    private static final String UNKNOWN = "-";
    private final KeysetHandle key = AgentSealing.newKey();
    private final String publicKey = AgentSealing.publicKey(key);
    private final Path file;
    private final PrintStream out;
    /** Copies this agent made on its node: name → the version it holds. */
    private final Map<String, String> held;
    private Boolean nodeIsClusterServer;

    AgentSecretsSync(Path file, PrintStream out) {
        this.file = file;
        this.out = out;
        this.held = read(file);
    }

    /** The copies this agent holds, name → version (a view). */
    Map<String, String> held() {
        return java.util.Collections.unmodifiableMap(held);
    }

    /** Of an assignment's secrets (name → version on the servers), those whose copy here is missing or older. */
    static List<String> stale(Map<String, String> versions, Map<String, String> held) {
        List<String> out = new ArrayList<>();
        versions.forEach((name, version) -> {
            if (!version.equals(held.get(name))) out.add(name);
        });
        return out;
    }

    /** The copies no wanted work names any more. */
    static List<String> unused(Map<String, String> held, Collection<String> wanted) {
        return held.keySet().stream().filter(name -> !wanted.contains(name)).sorted().toList();
    }

    /**
     * Brings the copies of one assignment's secrets up to date: one request to a server when any changed, none
     * otherwise. On a node whose own server is one of the cluster's servers the store is the cluster's already.
     */
    void ensure(ApiClient cluster, ApiClient local, String agentId, String assignmentId, Map<String, String> versions) {
        if (versions == null || stale(versions, held).isEmpty() || nodeIsClusterServer(local)) return;
        JsonNode reply = cluster.post("/agents/" + agentId + "/assignments/" + assignmentId + "/secrets", Map.of("public_key", publicKey)).json();
        Set<String> theNodes = null;
        for (JsonNode s : reply.path("secrets")) {
            String name = s.path("name").asText();
            if (!versions.containsKey(name)) continue;   // only what this work names: a reply cannot add to the node's store
            if (s.path("version").asText().equals(held.get(name))) continue;   // unchanged: its files need no rewrite
            if (!held.containsKey(name)) {
                if (theNodes == null) theNodes = localNames(local);
                if (theNodes.contains(name)) {
                    throw new CliException("this node's own secret store has a secret named " + name + " that this agent did not "
                            + "copy there: rename one of them (the agent never replaces or removes the node's own secrets)");
                }
                held.put(name, "");   // before the copy exists: a crash after it leaves nothing this agent forgets to remove
                save();
            }
            copy(local, agentId, name, s.path("sealed").asText());
            boolean fresh = held.get(name).isEmpty();
            held.put(name, s.path("version").asText());
            save();
            out.println(fresh ? "secret " + name + " copied to this node" : "secret " + name + " changed: this node's copy updated");
        }
    }

    /**
     * Before work starts: a copy the node's store lost (removed by hand) is fetched again rather than trusted.
     */
    void ensureForStart(ApiClient cluster, ApiClient local, String agentId, String assignmentId, Map<String, String> versions) {
        if (versions == null || versions.isEmpty() || nodeIsClusterServer(local)) return;
        Set<String> present = localNames(local);
        versions.keySet().forEach(name -> {
            if (held.containsKey(name) && !present.contains(name)) held.put(name, "");
        });
        ensure(cluster, local, agentId, assignmentId, versions);
    }

    private void copy(ApiClient local, String agentId, String name, String sealed) {
        byte[] value;
        try {
            value = AgentSealing.open(key, AgentSealing.context(agentId, name), Base64.getDecoder().decode(sealed));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CliException("secret " + name + " from the servers does not open with this agent's key");
        }
        try {
            local.post("/v1/secrets", Map.of("name", name, "value_base64", Base64.getEncoder().encodeToString(value)));
        } finally {
            java.util.Arrays.fill(value, (byte) 0);
        }
    }

    private static Set<String> localNames(ApiClient local) {
        Set<String> names = new java.util.HashSet<>();
        local.get("/v1/secrets").json().forEach(n -> names.add(n.asText()));
        return names;
    }

    /**
     * Once per cycle: the copies of running work's secrets follow the servers (a running container's file changes in
     * place: its node's server rewrites it), and copies no wanted work names go. Work about to start is left to
     * {@link #ensure} just before its start. Failures are said through {@code problem}; the cycle goes on.
     */
    void follow(ApiClient cluster, ApiClient local, String agentId, List<AgentWork.Assignment> assignments, List<AgentWork.Action> actions,
                Map<String, Map<String, String>> versions, java.util.function.Consumer<String> problem) {
        Set<String> starting = new java.util.HashSet<>();
        actions.forEach(a -> {
            if (a instanceof AgentWork.Start s) starting.add(s.assignment().id());
        });
        List<Map<String, String>> wanted = new ArrayList<>();
        for (AgentWork.Assignment a : assignments) {
            if (!"pending".equals(a.status()) && !"running".equals(a.status())) continue;
            Map<String, String> v = versions.getOrDefault(a.id(), Map.of());
            wanted.add(v);
            if (starting.contains(a.id()) || v.isEmpty()) continue;
            try {
                ensure(cluster, local, agentId, a.id(), v);
            } catch (CliException e) {
                problem.accept("secrets of assignment " + a.id() + ": " + e.getMessage());
            }
        }
        try {
            prune(local, wanted(wanted));
        } catch (CliException e) {
            problem.accept("secrets no longer used: " + e.getMessage());
        }
    }

    /** Removes the copies no wanted work names; one still in use by a container that drains is tried again next time. */
    void prune(ApiClient local, Collection<String> wanted) {
        if (held.isEmpty()) return;
        if (nodeIsClusterServer(local)) {   // its store is the cluster's now: what was copied is the cluster's own secret
            held.clear();
            save();
            return;
        }
        for (String name : unused(held, wanted)) {
            ApiClient.Reply r = local.probeDelete("/v1/secrets/" + name);
            if (r.status() / 100 == 2 || r.status() == 404) {
                held.remove(name);
                save();
                if (r.status() != 404) out.println("secret " + name + " removed from this node: no work here uses it");
            }
        }
    }

    /** Asked once; an answer that is not 2xx is not kept, and nothing is copied until the node's server says. */
    private boolean nodeIsClusterServer(ApiClient local) {
        if (nodeIsClusterServer == null) {
            ApiClient.Reply r = local.probeWithToken("/cluster/status");
            if (r.status() / 100 != 2) {
                throw new CliException("this node's server does not say whether it is a cluster server (GET /cluster/status: "
                        + r.status() + ")");
            }
            nodeIsClusterServer = r.json().path("cluster").asBoolean(false);
        }
        return nodeIsClusterServer;
    }

    /** An assignment's {@code secret_versions} as the servers serve them. */
    static Map<String, String> versions(JsonNode assignment) {
        Map<String, String> out = new LinkedHashMap<>();
        assignment.path("secret_versions").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> out = new TreeMap<>();
        if (file == null || !Files.exists(file)) return out;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.strip().split(" ");
                if (parts.length == 2 && dev.yoq.node.protocol.SecretNames.SECRET.matcher(parts[0]).matches()) {
                    out.put(parts[0], parts[1].equals(UNKNOWN) ? "" : parts[1]);
                }
            }
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private void save() {
        if (file == null) return;
        StringBuilder text = new StringBuilder();
        new TreeMap<>(held).forEach((name, version) -> text.append(name).append(' ').append(version.isEmpty() ? UNKNOWN : version).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every secret the wanted assignments name. */
    static Set<String> wanted(Collection<Map<String, String>> versionsOfWanted) {
        Set<String> all = new java.util.TreeSet<>();
        versionsOfWanted.forEach(v -> all.addAll(v.keySet()));
        return all;
    }
}
