package dev.yoq.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.cluster.raft.RaftPeerAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What makes a server a cluster server: its id, its Raft and API ports, the servers of the group and the join
 * token. {@code yoq init-server} writes it to {@code <data dir>/cluster/cluster.json} (0600: it holds the
 * token); the server reads it at start. Without the file a server is a single node, as before.
 *
 * @param peers every server of the group, this one included ({@code id@ipv4:port}); a server started without
 *              peers is a group of one on 127.0.0.1
 */
public record ClusterConfig(int id, int raftPort, int apiPort, List<RaftPeerAddress> peers, String token) {
    public static final String FILE = "cluster.json";
    public static final int DEFAULT_API_PORT = 7700;
    private static final int MAX_TOKEN_LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ClusterConfig {
        if (id < 1 || id > 65534) throw new IllegalArgumentException("--id must be 1-65534, got " + id);
        checkPort("--port", raftPort);
        checkPort("--api-port", apiPort);
        if (raftPort == apiPort) throw new IllegalArgumentException("--port and --api-port must differ (both " + raftPort + ")");
        if (token == null || token.isBlank()) throw new IllegalArgumentException("--token is required: the cluster's join token");
        if (token.length() > MAX_TOKEN_LENGTH || !token.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new IllegalArgumentException("--token must be 1-" + MAX_TOKEN_LENGTH + " printable ASCII characters without spaces");
        }
        peers = peers.isEmpty() ? List.of(new RaftPeerAddress(id, "127.0.0.1", raftPort)) : List.copyOf(peers);
        RaftPeerAddress self = peers.stream().filter(p -> p.id() == id).findFirst().orElseThrow(() ->
                new IllegalArgumentException("--peers must list this server too (id " + id + "), as " + id + "@<its IPv4>:" + raftPort));
        if (self.port() != raftPort) {
            throw new IllegalArgumentException("--peers gives this server (id " + id + ") port " + self.port() + " but --port is " + raftPort);
        }
    }

    private static void checkPort(String flag, int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException(flag + " must be 1-65535, got " + port);
    }

    /** This server's own entry in {@link #peers}. */
    public RaftPeerAddress self() {
        return peers.stream().filter(p -> p.id() == id).findFirst().orElseThrow();
    }

    /** The Raft group's id: the same on every server holding the token, meaningless without it. */
    public UUID groupId() {
        byte[] tag = ClusterKey.fromJoinToken(token).tag("yoq-raft-group".getBytes(StandardCharsets.US_ASCII));
        return UUID.nameUUIDFromBytes(tag);
    }

    /** The gossip (SWIM) port: the Raft port + 100, as the spec fixes it for servers. */
    public int gossipPort() {
        return gossipPortOf(raftPort);
    }

    /** A server's gossip port from its Raft port (− 100 where + 100 would pass 65535). */
    public static int gossipPortOf(int raftPort) {
        return raftPort + 100 > 65535 ? raftPort - 100 : raftPort + 100;
    }

    public static Path file(Path dataDir) {
        return dataDir.resolve("cluster").resolve(FILE);
    }

    /** The configuration in {@code dataDir}, or null when this is a single-node server. */
    public static ClusterConfig read(Path dataDir) throws IOException {
        Path file = file(dataDir);
        if (!Files.exists(file)) return null;
        if (Files.size(file) > 64 * 1024) throw new IOException(file + " is larger than 64 KiB: not a yoq cluster file");
        JsonNode n = JSON.readTree(file.toFile());
        try {
            List<RaftPeerAddress> peers = new ArrayList<>();
            for (JsonNode p : n.path("peers")) peers.add(RaftPeerAddress.parse(p.asText()));
            return new ClusterConfig(n.path("id").asInt(-1), n.path("raft_port").asInt(-1), n.path("api_port").asInt(-1),
                    peers, n.path("token").asText(null));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the file atomically, readable by its owner only. */
    public void write(Path dataDir) throws IOException {
        Path file = file(dataDir);
        Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id).put("raft_port", raftPort).put("api_port", apiPort);
        var list = n.putArray("peers");
        for (RaftPeerAddress p : peers) list.add(p.id() + "@" + p.address());
        n.put("token", token);
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {   // never the token: this may be logged
        return "ClusterConfig[id=" + id + ", raftPort=" + raftPort + ", apiPort=" + apiPort + ", peers=" + peers + "]";
    }
}
