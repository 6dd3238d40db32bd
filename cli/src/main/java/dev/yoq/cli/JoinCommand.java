package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq join <server> --token T}: registers this node as an agent of the cluster (spec §1.5, §5.3), then
 * heartbeats every 5 s with its resources until stopped, following the leader's address when a server is not it.
 * The agent id is kept in {@code <data dir>/cluster/agent_id}, so a restarted join is the same agent. Each cycle it
 * also runs its assignments through this node's own yoq server ({@link AgentRunner}): the server the data directory
 * names (or {@code --local-server}), with its API token ({@code YOQ_LOCAL_TOKEN}, else the data directory's).
 */
@Command(name = "join", description = "Join a cluster as an agent and heartbeat until stopped (the join token is --token).")
public class JoinCommand implements Callable<Integer> {
    static final long HEARTBEAT_MS = 5_000;

    @ParentCommand
    YoqCommand yoq;

    @Parameters(index = "0", paramLabel = "SERVER", description = "a server's IPv4 address (or address:port)")
    String server;

    @Option(names = "--port", paramLabel = "P", description = "the server's API port (default 7700)")
    int port = ServerAddress.DEFAULT_PORT;

    @Option(names = "--agent-port", paramLabel = "P", description = "this agent's API port, reported to the servers (default 7701)")
    int agentPort = 7701;

    @Option(names = "--role", paramLabel = "both|agent|server", description = "what this node is for (default both)")
    String role = "both";

    @Option(names = "--region", paramLabel = "R", description = "this node's region")
    String region;

    @Option(names = "--labels", paramLabel = "k=v,...", description = "this node's labels, matched by services' required_labels "
            + "(later: PUT /agents/{id}/labels)")
    String labels;

    @Option(names = "--local-server", paramLabel = "HOST:PORT", description = "this node's yoq server, which runs the "
            + "assignments (default: the data directory's server, 127.0.0.1:7700)")
    String localServer;

    @Option(names = "--overlay", paramLabel = "on|off", description = "join the WireGuard overlay (wg-yoq) through this node's "
            + "server (default on; off for nodes that share a server)")
    String overlay = "on";

    @Option(names = "--wg-port", paramLabel = "P", description = "this node's WireGuard UDP port (default 51820)")
    int wgPort = 51820;

    /** How many heartbeats to send before returning; unlimited by default (tests bound it). */
    @Option(names = "--gossip-port", hidden = true, description = "this agent's gossip (SWIM) UDP port (spec: 9800; 0: any free port)")
    int gossipPort = AgentGossip.DEFAULT_PORT;

    @Option(names = "--heartbeats", hidden = true)
    long heartbeats = Long.MAX_VALUE;

    @Override
    public Integer call() throws InterruptedException {
        String token = yoq.options.token;
        if (token == null || token.isBlank()) throw new CliException("join: --token is required (the cluster's join token)");
        ServerAddress target = server.contains(":") ? ServerAddress.parse(server) : ServerAddress.parse(server + ":" + port);
        Path idFile = yoq.options.layout().root().resolve("cluster").resolve("agent_id");
        Path tokenFile = idFile.resolveSibling("agent_token");
        String id = readId(idFile);
        if (!overlay.equals("on") && !overlay.equals("off")) throw new CliException("join: --overlay must be on or off, got " + overlay);
        if (wgPort < 1 || wgPort > 65535) throw new CliException("join: --wg-port must be 1-65535, got " + wgPort);
        AgentOverlay wireguard = overlay.equals("on")
                ? new AgentOverlay(this::localClient, LocalServer.keptSubnetFile(yoq.options.layout()), yoq.out, yoq.err) : null;
        // the agent's own token for its routes (an agent registered by an older yoq has none: the join token)
        java.util.concurrent.atomic.AtomicReference<String> credential = new java.util.concurrent.atomic.AtomicReference<>(
                id == null ? token : java.util.Objects.requireNonNullElse(readToken(tokenFile), token));
        if (id == null) {
            Registered r = register(target, token, wireguard);
            target = r.server();
            id = r.id();
            keep(idFile, tokenFile, r, credential, token);
            yoq.out.println("joined the cluster as agent " + id + " (server " + target + ")");
        } else {
            yoq.out.println("agent " + id + " (from " + idFile + ") heartbeating to " + target);
        }
        // every server this agent has heard of: the one it was given and each leader named since; when the one it
        // talks to falls silent (a dead leader), it moves on to the next and follows that one's hint
        java.util.LinkedHashSet<ServerAddress> known = new java.util.LinkedHashSet<>(java.util.List.of(
                server.contains(":") ? ServerAddress.parse(server) : ServerAddress.parse(server + ":" + port), target));
        String lastStatus = null;
        // the work loop runs beside the heartbeats: an image pull that takes minutes must not silence the agent
        java.util.concurrent.atomic.AtomicReference<ServerAddress> current = new java.util.concurrent.atomic.AtomicReference<>(target);
        // the work loop reads assignments only from the server that last took a heartbeat (a leader's write): a
        // follower still catching up could answer an older list, and the agent would stop what it should run
        java.util.concurrent.atomic.AtomicReference<ServerAddress> leader = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<String> agentId = new java.util.concurrent.atomic.AtomicReference<>(id);
        AgentRunner runner = new AgentRunner(localClient(), localClient().patient(), this::localClient, yoq.out, yoq.err,
                idFile.resolveSibling("secrets"));
        Thread work = new Thread(() -> runner.loop(() -> leader.get() == null ? null : client(leader.get(), credential.get()), agentId::get,
                hint -> current.set(ServerAddress.parse(hint)), HEARTBEAT_MS), "agent-work");
        work.setDaemon(true);
        work.start();
        AgentGossip gossip = new AgentGossip(token, gossipPort, yoq.out, yoq.err);
        // the overlay follows the peer list on a thread of its own: a slow node server must not delay a heartbeat
        java.util.concurrent.ScheduledExecutorService overlaySync = java.util.concurrent.Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "agent-overlay");
            t.setDaemon(true);
            return t;
        });
        AgentServices services = new AgentServices(yoq.err);
        overlaySync.scheduleWithFixedDelay(() -> {
            ServerAddress at = leader.get();
            var cred = credential.get();
            if (at != null) services.sync(java.util.List.of(at, cred), () -> client(at, cred), this::localClient, agentId.get());
        }, AgentServices.PERIOD_MS, AgentServices.PERIOD_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        if (wireguard != null) {
            overlaySync.scheduleWithFixedDelay(() -> {
                ServerAddress at = leader.get();
                if (at != null) wireguard.sync(client(at, credential.get()), agentId.get(), System.currentTimeMillis());
            }, HEARTBEAT_MS, HEARTBEAT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        try {
            for (long sent = 0; sent < heartbeats; sent++) {
                if (sent > 0) Thread.sleep(HEARTBEAT_MS);
                target = current.get();
                try {
                    ApiClient.Reply reply = client(target, credential.get()).postAnswer("/agents/" + id + "/heartbeat", heartbeatBody(runner.running(), runner.samples()));
                    JsonNode body = reply.json();
                    String status = body.path("status").asText();
                    if (reply.status() == 400 && "not leader".equals(body.path("error").asText())) {
                        String hint = body.path("leader").asText("");
                        target = hint.isEmpty() ? next(known, target) : ServerAddress.parse(hint);
                        yoq.err.println("following the leader to " + target);
                    } else if (reply.status() != 200 && reply.status() != 401) {
                        throw new CliException("heartbeat refused (" + reply.status() + "): " + body.path("error").asText());
                    } else if (reply.status() == 401 || "ok".equals(status)) {
                        // the servers forgot this agent (an hour offline), or its token is not the one they keep: register again
                        Registered r = register(target, token, wireguard);
                        target = r.server();
                        runner.registeredAgain(id);
                        id = r.id();
                        keep(idFile, tokenFile, r, credential, token);
                        yoq.out.println("registered again as agent " + id);
                    } else {
                        leader.set(target);
                        learnServers(known, body.path("servers"));
                        gossip.ensure(id, localAddressTowards(target), body.path("gossip_seeds"));
                        if (!status.equals(lastStatus)) {
                            yoq.out.println("agent " + id + ": " + status);
                            lastStatus = status;
                        }
                    }
                } catch (CliException unreachable) {
                    ServerAddress silent = target;
                    target = next(known, target);
                    yoq.err.println("heartbeat: " + unreachable.getMessage() + (target.equals(silent) ? "" : "; trying " + target));
                }
                known.add(target);
                current.set(target);
                agentId.set(id);
            }
        } finally {
            overlaySync.shutdownNow();
            gossip.close();
        }
        return 0;
    }

    record Registered(String id, ServerAddress server, String agentToken) {}

    /**
     * A registration's token and id kept in the data directory (the token 0600, written aside and moved into place,
     * so it is whole or absent), and the token used from now on. A crash between the two writes pairs the old id
     * with the new token: the servers refuse it (401) and the agent registers again.
     */
    private static void keep(Path idFile, Path tokenFile, Registered r, java.util.concurrent.atomic.AtomicReference<String> credential,
                             String joinToken) {
        if (r.agentToken() != null) {
            try {
                Files.createDirectories(tokenFile.getParent());
                Path aside = Files.createTempFile(tokenFile.getParent(), "agent_token", ".tmp",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(aside, r.agentToken() + "\n");
                Files.move(aside, tokenFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new CliException("join: cannot keep the agent token in " + tokenFile + ": " + e.getMessage(), e);
            }
        }
        writeId(idFile, r.id());
        credential.set(r.agentToken() != null ? r.agentToken() : joinToken);   // a server of an older yoq: the join token
    }

    private static String readToken(Path file) {
        try {
            String t = Files.exists(file) ? Files.readString(file).strip() : "";
            return t.matches("[0-9a-f]{64}") ? t : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The servers a heartbeat answer lists join those known (a malformed entry is skipped), at most 16 in all. */
    static void learnServers(java.util.LinkedHashSet<ServerAddress> known, JsonNode servers) {
        for (JsonNode s : servers) {
            if (known.size() >= 16) return;
            try {
                known.add(ServerAddress.parse(s.asText()));
            } catch (RuntimeException malformed) {   // a server's answer, not to be trusted blindly
            }
        }
    }

    /** The server after {@code current} among those known, round robin. */
    static ServerAddress next(java.util.LinkedHashSet<ServerAddress> known, ServerAddress current) {
        java.util.List<ServerAddress> list = java.util.List.copyOf(known);
        int i = list.indexOf(current);
        return list.get((i + 1) % list.size());
    }

    private Registered register(ServerAddress target, String token, AgentOverlay wireguard) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        NodeResources res = NodeResources.read();
        body.put("token", token);
        body.put("address", localAddressTowards(target));
        body.put("agent_api_port", agentPort);
        body.put("cpu_cores", res.cpuCores());
        body.put("memory_mb", res.memoryMb());
        body.put("role", role);
        if (region != null) body.put("region", region);
        if (labels != null) body.put("labels", labels);
        String publicKey = wireguard == null ? null : wireguard.publicKey();
        if (publicKey != null) {
            body.put("wg_public_key", publicKey);
            body.put("wg_listen_port", wgPort);
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            ApiClient.Reply reply = client(target, token).postAnswer("/agents/register", body);
            JsonNode answer = reply.json();
            if (reply.status() == 200) return new Registered(answer.path("id").asText(), target, answer.path("agent_token").asText(null));
            if (reply.status() == 400 && "not leader".equals(answer.path("error").asText()) && !answer.path("leader").asText().isEmpty()) {
                target = ServerAddress.parse(answer.path("leader").asText());   // follow the hint once
                continue;
            }
            throw new CliException("join: the server refused the registration (" + reply.status() + "): " + answer.path("error").asText());
        }
        throw new CliException("join: no leader took the registration (followed one hint to " + target + ")");
    }

    /** {@code replicas}: yoq's addition, what the work loop last measured of each replica (status rows on the servers). */
    private Map<String, Object> heartbeatBody(int containers, List<Map<String, Object>> replicas) {
        NodeResources res = NodeResources.read();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cpu_cores", res.cpuCores());
        body.put("memory_mb", res.memoryMb());
        body.put("cpu_used", res.cpuUsedMillicores());
        body.put("memory_used_mb", res.memoryUsedMb());
        body.put("containers", containers);
        if (!replicas.isEmpty()) body.put("replicas", replicas);
        return body;
    }

    /** This node's own server, with its API token (the join token is the cluster's, not this server's). */
    private ApiClient localClient() {
        ServerAddress address = localServer != null ? ServerAddress.parse(localServer) : yoq.options.server();
        String fromEnv = yoq.options.env().get("YOQ_LOCAL_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) return new ApiClient(address, new GlobalOptions.Credential(fromEnv.strip(), "YOQ_LOCAL_TOKEN"));
        Path file = yoq.options.layout().apiToken();
        try {
            return new ApiClient(address, new GlobalOptions.Credential(dev.yoq.node.protocol.ApiTokenFile.read(file), file.toString()));
        } catch (IOException missing) {
            return new ApiClient(address, new GlobalOptions.Credential(null, "no token (" + file + " cannot be read)"));
        }
    }

    private static ApiClient client(ServerAddress target, String token) {
        return new ApiClient(target, new GlobalOptions.Credential(token, "the agent's token (or --token, the join token)"));
    }

    /** The address this node uses to reach the server: what the servers will reach it on. */
    static String localAddressTowards(ServerAddress target) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(target.host(), target.port()));   // no packet: only picks the route
            return probe.getLocalAddress().getHostAddress();
        } catch (IOException e) {
            throw new CliException("join: no route to " + target + ": " + e.getMessage(), e);
        }
    }

    private static String readId(Path file) {
        try {
            if (!Files.exists(file)) return null;
            String id = Files.readString(file).strip();
            return id.matches("[0-9a-f]{12}") ? id : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void writeId(Path file, String id) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, id + "\n");
        } catch (IOException e) {
            throw new CliException("join: cannot keep the agent id in " + file + ": " + e.getMessage(), e);
        }
    }
}
