package dev.yoq.node.protocol;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The names a node's yoq owns on its host, each a setting so that several yoq installs (a user's, the test
 * suite's, the cluster lab's nodes) can share one machine without touching each other's (the hardening issue's
 * finding 8). Server, helper and CLI read the same settings: environment {@code YOQ_BRIDGE},
 * {@code YOQ_SUBNET}, {@code YOQ_NFT_TABLE}, {@code YOQ_NETNS_PREFIX}, {@code YOQ_CGROUP_PARENT} (MicroProfile
 * Config names {@code yoq.bridge}, {@code yoq.subnet}, ...) and {@code YOQ_VIP_SUBNET}. The gateway and the DNS listen address are the
 * subnet's first address.
 *
 * @param bridge       the Linux bridge (default {@code yoq0})
 * @param subnet       the containers' IPv4 subnet, /8 to /24 (default {@code 10.42.0.0/16})
 * @param table        the nftables table, family ip (default {@code yoq})
 * @param netnsPrefix  network namespaces are {@code /run/netns/<prefix><id>} (default {@code yoq-})
 * @param cgroupParent the cgroup directory containers go under in each hierarchy (default {@code yoq})
 * @param vipSubnet    where service VIPs are allocated, /8 to /24 (default {@code 10.43.0.0/16}, {@code YOQ_VIP_SUBNET}):
 *                     the rules that catch a VIP are the host's, so two installs on one host need two ranges
 * @param wgInterface  the WireGuard overlay's interface (default {@code wg-yoq}, {@code YOQ_WG_INTERFACE}); traffic
 *                     leaving through it is not masqueraded, so other nodes see a container's own address
 */
public record NodeNames(String bridge, String subnet, String table, String netnsPrefix, String cgroupParent, String vipSubnet,
                        String wgInterface) {
    private static final Pattern IFNAME = Pattern.compile("[a-z][a-z0-9_-]{0,14}");
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,9}");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");
    /** The original's names (after the patterns: static fields initialise in order). */
    public static final NodeNames DEFAULTS = new NodeNames("yoq0", "10.42.0.0/16", "yoq", "yoq-", "yoq", "10.43.0.0/16", "wg-yoq");

    /** With the default overlay interface. */
    public NodeNames(String bridge, String subnet, String table, String netnsPrefix, String cgroupParent, String vipSubnet) {
        this(bridge, subnet, table, netnsPrefix, cgroupParent, vipSubnet, "wg-yoq");
    }

    public NodeNames {
        check("yoq.bridge", bridge, IFNAME, "a network interface name (a-z, 0-9, _ and -, at most 15)");
        check("yoq.wg.interface", wgInterface, IFNAME, "a network interface name (a-z, 0-9, _ and -, at most 15)");
        check("yoq.nft.table", table, WORD, "a word of a-z, 0-9 and _");
        check("yoq.netns.prefix", netnsPrefix, PREFIX, "1-10 characters of a-z, 0-9 and -");
        check("yoq.cgroup.parent", cgroupParent, WORD, "a word of a-z, 0-9 and _");
        checkCidr("yoq.subnet", subnet);
        checkCidr("yoq.vip.subnet", vipSubnet);
        if (overlap(subnet, vipSubnet)) throw new IllegalArgumentException("yoq.vip.subnet: " + vipSubnet + " overlaps yoq.subnet " + subnet);
    }

    private static void checkCidr(String setting, String cidr) {
        var m = cidr == null ? null : CIDR.matcher(cidr);
        if (m == null || !m.matches()) throw new IllegalArgumentException(setting + ": must be an IPv4 subnet such as 10.42.0.0/16, got " + cidr);
        int prefix = Integer.parseInt(m.group(5));
        if (prefix < 8 || prefix > 24) throw new IllegalArgumentException(setting + ": the prefix must be /8 to /24, got /" + prefix);
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) throw new IllegalArgumentException(setting + ": " + cidr + " is not an IPv4 address");
        }
        if ((address(cidr) & ~mask(prefix)) != 0) throw new IllegalArgumentException(setting + ": " + cidr + " has host bits set");
    }

    private static boolean overlap(String a, String b) {
        int shorter = Math.min(prefix(a), prefix(b));
        return ((address(a) ^ address(b)) & mask(shorter)) == 0;
    }

    static int prefix(String cidr) {
        return Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
    }

    /** Whether a dotted address lies inside a subnet in CIDR form. */
    public static boolean contains(String cidr, String ip) {
        return ((address(ip) ^ address(cidr)) & mask(prefix(cidr))) == 0;
    }

    private static void check(String setting, String value, Pattern p, String what) {
        if (value == null || !p.matcher(value).matches()) throw new IllegalArgumentException(setting + ": must be " + what + ", got " + value);
    }

    /** From settings by name ({@code yoq.bridge} ...), absent ones at their defaults. */
    public static NodeNames from(Function<String, String> setting) {
        return new NodeNames(or(setting.apply("yoq.bridge"), DEFAULTS.bridge), or(setting.apply("yoq.subnet"), DEFAULTS.subnet),
                or(setting.apply("yoq.nft.table"), DEFAULTS.table), or(setting.apply("yoq.netns.prefix"), DEFAULTS.netnsPrefix),
                or(setting.apply("yoq.cgroup.parent"), DEFAULTS.cgroupParent), or(setting.apply("yoq.vip.subnet"), DEFAULTS.vipSubnet),
                or(setting.apply("yoq.wg.interface"), DEFAULTS.wgInterface));
    }

    /** From a process environment: YOQ_BRIDGE, YOQ_SUBNET, YOQ_NFT_TABLE, YOQ_NETNS_PREFIX, YOQ_CGROUP_PARENT, YOQ_VIP_SUBNET, YOQ_WG_INTERFACE. */
    public static NodeNames fromEnv(java.util.Map<String, String> env) {
        return from(name -> env.get(envName(name)));
    }

    /** {@code yoq.nft.table} → {@code YOQ_NFT_TABLE}: the environment variable of a setting. */
    public static String envName(String setting) {
        return setting.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }

    /** Every setting with its value, to hand to another process's environment. */
    public java.util.Map<String, String> asEnv() {
        return java.util.Map.of("YOQ_BRIDGE", bridge, "YOQ_SUBNET", subnet, "YOQ_NFT_TABLE", table, "YOQ_NETNS_PREFIX", netnsPrefix,
                "YOQ_CGROUP_PARENT", cgroupParent, "YOQ_VIP_SUBNET", vipSubnet, "YOQ_WG_INTERFACE", wgInterface);
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    public int prefixLength() {
        return prefix(subnet);
    }

    /** The subnet's first address: the bridge's own, the containers' gateway and DNS server. */
    public String gateway() {
        return text(address(subnet) + 1);
    }

    /** The first and last address containers may lease (after the gateway, before the broadcast). */
    public int firstLease() {
        return firstLease(subnet);
    }

    public int lastLease() {
        return lastLease(subnet);
    }

    /** The first leasable address of a subnet in CIDR form (one that passed this record's checks). */
    public static int firstLease(String cidr) {
        return address(cidr) + 2;
    }

    public static int lastLease(String cidr) {
        int prefix = Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1));
        return address(cidr) + (int) ((1L << (32 - prefix)) - 2);
    }

    public String netns(String id) {
        return netnsPrefix + id;
    }

    static int mask(int prefix) {
        return (int) (0xffffffffL << (32 - prefix));
    }

    public static int address(String cidrOrIp) {
        String ip = cidrOrIp.contains("/") ? cidrOrIp.substring(0, cidrOrIp.indexOf('/')) : cidrOrIp;
        String[] p = ip.split("\\.");
        return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8) | Integer.parseInt(p[3]);
    }

    /** A dotted-quad IPv4 address in decimal (no leading zeros: they read as octal elsewhere). */
    public static boolean isIpv4(String s) {
        return s != null && IPV4.matcher(s).matches();
    }

    public static String text(int a) {
        return ((a >>> 24) & 255) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }
}
