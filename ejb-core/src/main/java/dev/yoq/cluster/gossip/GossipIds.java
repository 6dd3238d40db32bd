package dev.yoq.cluster.gossip;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a gossip member is. An agent's member id is its 12-hex agent id read as a number (48 bits); a server's is
 * {@code 2^48 + its server id}, above every agent's, so the two never collide. Seeds travel as
 * {@code <member id>@<ipv4>:<port>} (register and heartbeat answers).
 */
public final class GossipIds {
    private static final long SERVER_BASE = 1L << 48;
    private static final Pattern AGENT_ID = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern SEED = Pattern.compile("(\\d{1,19})@(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");

    private GossipIds() {}

    public static long ofAgent(String agentId) {
        if (!AGENT_ID.matcher(agentId).matches()) throw new IllegalArgumentException("not an agent id: " + agentId);
        return Long.parseLong(agentId, 16);
    }

    public static long ofServer(int serverId) {
        return SERVER_BASE + serverId;
    }

    /** The agent id of a member, or null for a server. */
    public static String agentOf(long memberId) {
        return memberId >= 0 && memberId < SERVER_BASE ? String.format("%012x", memberId) : null;
    }

    public static boolean isServer(long memberId) {
        return memberId > SERVER_BASE && memberId < SERVER_BASE + 65_536;
    }

    public static String seed(long memberId, String ipv4, int port) {
        return memberId + "@" + ipv4 + ":" + port;
    }

    /** The well-formed seeds among {@code texts} (at most 16), as alive members to ping first. */
    public static List<Member> parseSeeds(List<String> texts) {
        List<Member> out = new ArrayList<>();
        for (String t : texts) {
            if (out.size() == 16) break;
            Matcher m = SEED.matcher(t == null ? "" : t);
            if (!m.matches()) continue;
            int port = Integer.parseInt(m.group(3));
            try {
                if (port < 1 || port > 65535) continue;
                out.add(Member.alive(Long.parseLong(m.group(1)), m.group(2), port));
            } catch (RuntimeException malformed) {   // an address part above 255, an id out of range
            }
        }
        return out;
    }
}
