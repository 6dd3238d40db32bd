package dev.yoq.cluster.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * A server of the Raft group as the spec writes it: {@code id@ipv4:port} (id 1-65534, the Raft port, 9700 by
 * default). Parsing is strict because a wrong peer list splits a cluster.
 */
public record RaftPeerAddress(int id, String host, int port) {
    public static final int DEFAULT_PORT = 9700;

    public RaftPeerAddress {
        if (id < 1 || id > 65534) throw new IllegalArgumentException("peer id must be 1-65534, got " + id);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("peer " + id + ": port must be 1-65535, got " + port);
        if (!dev.yoq.cluster.Ipv4.isValid(host)) throw new IllegalArgumentException("peer " + id + ": address must be an IPv4 address, got " + host);
    }

    public String address() { return host + ":" + port; }

    public String raftId() { return "s" + id; }

    /** {@code id@ipv4:port}, or {@code id@ipv4} with the default port. */
    public static RaftPeerAddress parse(String text) {
        int at = text.indexOf('@');
        if (at <= 0) throw new IllegalArgumentException("peer must be id@ipv4:port, got " + text);
        int id;
        try {
            id = Integer.parseInt(text.substring(0, at));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer id must be a number: " + text);
        }
        String rest = text.substring(at + 1);
        int colon = rest.lastIndexOf(':');
        if (colon < 0) return new RaftPeerAddress(id, rest, DEFAULT_PORT);
        try {
            return new RaftPeerAddress(id, rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("peer port must be a number: " + text);
        }
    }

    /** A comma-separated list; ids must be unique. */
    public static List<RaftPeerAddress> parseList(String text) {
        List<RaftPeerAddress> peers = new ArrayList<>();
        if (text == null || text.isBlank()) return peers;
        for (String part : text.split(",")) {
            RaftPeerAddress p = parse(part.trim());
            if (peers.stream().anyMatch(q -> q.id() == p.id())) throw new IllegalArgumentException("peer id " + p.id() + " listed twice");
            peers.add(p);
        }
        return peers;
    }
}
