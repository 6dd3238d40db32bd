package dev.yoq.node.daemon.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The names this node answers for: container names now (the {@code --name} of a networked container), service
 * names when apps arrive. Replaced whole from the containers the helper knows, so it cannot drift from them.
 * Names are case-insensitive DNS labels; at most {@link #MAX_NAMES} (spec §6: 1024 per node).
 */
public final class NameTable {
    public static final int MAX_NAMES = 1024;
    private volatile Map<String, List<InetAddress>> names = Map.of();
    private volatile long generation;

    /** name → IPv4 addresses (dotted). Names beyond the limit are left out (the caller logs it). */
    public void replace(Map<String, List<String>> entries) {
        Map<String, List<InetAddress>> next = new ConcurrentHashMap<>();
        for (Map.Entry<String, List<String>> e : entries.entrySet()) {
            if (next.size() >= MAX_NAMES) break;
            next.put(normalize(e.getKey()), e.getValue().stream().map(NameTable::address).toList());
        }
        names = next;
        generation++;
    }

    /** Changes with every {@link #replace}: answers cached for the old table are then stale. */
    public long generation() { return generation; }

    /** The addresses of a query name ("web." or "WEB"), or null when this node does not know it. */
    public List<InetAddress> lookup(String queryName) {
        return names.get(normalize(queryName));
    }

    public int size() { return names.size(); }

    static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static InetAddress address(String dotted) {
        try {
            return InetAddress.getByAddress(InetAddress.getByName(dotted).getAddress());   // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + dotted);
        }
    }
}
