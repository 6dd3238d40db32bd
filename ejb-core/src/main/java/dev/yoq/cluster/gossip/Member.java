package dev.yoq.cluster.gossip;

/**
 * One member as gossip knows it, which is also the 23-byte update piggybacked on messages (spec: {@code id u64,
 * ipv4[4], port u16, state u8, incarnation u64}).
 *
 * @param id          the node's id (u64, held in a long)
 * @param ipv4        the IPv4 address, network order packed into an int (127.0.0.1 = 0x7F000001)
 * @param port        the UDP gossip port, 0..65535
 * @param state       alive, suspect or dead
 * @param incarnation the member's own counter, raised only by the member itself to refute an accusation; compared
 *                    as a signed long (a node never reaches 2^63 refutations)
 */
public record Member(long id, int ipv4, int port, MemberState state, long incarnation) {

    public Member {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port out of range: " + port);
        if (state == null) throw new IllegalArgumentException("state must not be null");
    }

    /** A member as a seed or a fresh node starts: ALIVE at incarnation 0. */
    public static Member alive(long id, String ipv4, int port) {
        return new Member(id, parseIpv4(ipv4), port, MemberState.ALIVE, 0);
    }

    /** This member with another state and incarnation (same id and address). */
    public Member with(MemberState newState, long newIncarnation) {
        return new Member(id, ipv4, port, newState, newIncarnation);
    }

    /** This member reached at another address (same id, state and incarnation). */
    public Member at(int newIpv4, int newPort) {
        return new Member(id, newIpv4, newPort, state, incarnation);
    }

    /**
     * Whether this update replaces {@code known} (spec conflict resolution): the higher incarnation wins; at equal
     * incarnation dead beats suspect beats alive. An identical state and incarnation is not newer, so a repeat
     * is neither applied nor gossiped again.
     */
    public boolean supersedes(Member known) {
        if (incarnation != known.incarnation) return incarnation > known.incarnation;
        return state.code() > known.state.code();
    }

    /** The address as dotted quad. */
    public String ip() {
        return formatIpv4(ipv4);
    }

    /** {@code ip:port}, for logs. */
    public String address() {
        return ip() + ":" + port;
    }

    /** Packs a dotted-quad IPv4 address into an int, network order. */
    public static int parseIpv4(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        int packed = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            packed = packed << 8 | octet;
        }
        return packed;
    }

    /** The dotted quad of a packed address. */
    public static String formatIpv4(int packed) {
        return (packed >>> 24) + "." + (packed >>> 16 & 0xFF) + "." + (packed >>> 8 & 0xFF) + "." + (packed & 0xFF);
    }
}
