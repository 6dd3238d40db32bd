package dev.yoq.node.daemon.network;

import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.NetworkPolicy;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.PortMapping;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the node's network should look like, as iproute2 batch lines and one nftables table. Pure: the same
 * containers give the same text, so a restarted helper rebuilds exactly the rule set it had (the test compares
 * dumps). Names come from the node's {@link NodeNames} (defaults: bridge {@code yoq0} with 10.42.0.1/16, table
 * {@code ip yoq}, network namespace {@code yoq-<id>} under /run/netns); the host veth is
 * {@code veth_<10 hex of the id>}, the container side {@code eth0}.
 */
public final class NetworkPlan {
    private final NodeNames names;
    public final String bridgeName;
    public final String gateway;
    public final String subnet;
    public final String table;

    public NetworkPlan(NodeNames names) {
        this.names = names;
        this.bridgeName = names.bridge();
        this.gateway = names.gateway();
        this.subnet = names.subnet();
        this.table = names.table();
    }

    public NodeNames names() { return names; }

    public String netns(String id) { return names.netns(id); }

    public static String hostVeth(String id) { return "veth_" + id.substring(0, Math.min(10, id.length())); }

    /**
     * The filter chain: the VIP range refused where no DNAT caught it, then the policy. {@code names} maps container
     * and service names to their addresses (a service's: all its replicas).
     */
    private String forward(java.util.Map<String, List<String>> names, List<NetworkPolicy> policies) {
        StringBuilder rules = new StringBuilder();
        java.util.Map<String, java.util.SortedSet<String>> allowed = new java.util.TreeMap<>();
        for (NetworkPolicy p : policies.stream().sorted(Comparator.comparing(NetworkPolicy::source).thenComparing(NetworkPolicy::target)).toList()) {
            List<String> src = names.get(p.source()), dst = names.get(p.target());
            if (src == null || src.isEmpty()) continue;   // applies when the source appears
            if (p.deny()) {
                if (dst != null && !dst.isEmpty()) rules.append("    ip saddr ").append(set(src)).append(" ip daddr ").append(set(dst)).append(" drop\n");
            } else {
                for (String one : src) {
                    java.util.SortedSet<String> targets = allowed.computeIfAbsent(one, k -> new java.util.TreeSet<>());
                    if (dst != null) targets.addAll(dst);
                }
            }
        }
        for (var e : allowed.entrySet()) {
            rules.append("    ip saddr ").append(e.getKey()).append(" ip daddr ").append(subnet);
            if (!e.getValue().isEmpty()) rules.append(" ip daddr != { ").append(String.join(", ", e.getValue())).append(" }");
            rules.append(" drop\n");
        }
        return "  chain forward {\n    type filter hook forward priority filter; policy accept;\n"
                + VipRules.refuseRest(names().vipSubnet())
                + (rules.isEmpty() ? "" : "    ct state established,related accept\n" + rules) + "  }\n"
                + "  chain output_filter {\n    type filter hook output priority filter; policy accept;\n"
                + VipRules.refuseRest(names().vipSubnet()) + "  }\n";
    }

    private static String set(List<String> addresses) {
        List<String> sorted = addresses.stream().sorted(Comparator.comparingInt(NodeNames::address)).distinct().toList();
        return sorted.size() == 1 ? sorted.get(0) : "{ " + String.join(", ", sorted) + " }";
    }

    /** ip -batch: the bridge with the gateway address, up. */
    public List<String> bridge() {
        return List.of("link add " + bridgeName + " type bridge", "addr add " + gateway + "/" + names.prefixLength() + " dev " + bridgeName,
                "link set " + bridgeName + " up");
    }

    /**
     * ip -batch: the container's namespace, a veth pair with eth0 already inside it, the host end on the bridge in
     * hairpin mode: a replica calling its own service VIP may be picked itself, and br_netfilter then bridges the
     * translated frame back out of the port it came in by (with the hairpin masquerade of {@link VipRules}).
     */
    public List<String> attach(String id) {
        return List.of("netns add " + netns(id),
                "link add " + hostVeth(id) + " type veth peer name eth0 netns " + netns(id),
                "link set " + hostVeth(id) + " master " + bridgeName + " up",
                "link set " + hostVeth(id) + " type bridge_slave hairpin on");
    }

    /**
     * The whole of yoq's nftables table, replaced in one transaction (create-if-missing, delete, define): NAT for
     * traffic from the subnet to anywhere outside it, DNAT of published ports from the host's own addresses (incoming
     * and locally generated, so 127.0.0.1:PORT works too), and masquerade for that loopback hairpin. Nothing
     * outside table {@code ip yoq} is touched.
     *
     * The policy: {@code names} maps container names to addresses; a rule whose names are
     * not there yet is left out until they are. deny: new traffic source → target dropped; allow: the source may
     * open connections only to its allowed targets among the containers (10.42.0.0/16). Replies of permitted
     * connections always pass (conntrack; bridged traffic reaches this hook through br_netfilter).
     */
    public String ruleset(List<ContainerSpec.Net> containers, java.util.Map<String, String> names, List<NetworkPolicy> policies) {
        java.util.Map<String, List<String>> many = new java.util.TreeMap<>();
        names.forEach((k, v) -> many.put(k, List.of(v)));
        return ruleset(containers, many, policies, List.of());
    }

    /** As above, with the services' VIPs and published ports ({@link VipRules}); names may stand for several addresses. */
    public String ruleset(List<ContainerSpec.Net> containers, java.util.Map<String, List<String>> names, List<NetworkPolicy> policies,
                          List<dev.yoq.node.protocol.ServiceVip> services) {
        List<String[]> maps = new ArrayList<>();
        for (ContainerSpec.Net n : containers) {
            for (PortMapping p : n.ports()) maps.add(new String[] {p.protocol(), Integer.toString(p.hostPort()), n.ip(), Integer.toString(p.containerPort())});
        }
        maps.sort(Comparator.<String[], String>comparing(m -> m[0]).thenComparingInt(m -> Integer.parseInt(m[1])));
        StringBuilder dnat = new StringBuilder();
        for (String[] m : maps) {
            dnat.append("    fib daddr type local ").append(m[0]).append(" dport ").append(m[1])
                    .append(" dnat to ").append(m[2]).append(':').append(m[3]).append('\n');
        }
        return "table ip " + table + "\n"
                + "delete table ip " + table + "\n"
                + "table ip " + table + " {\n"
                + "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n" + dnat
                + VipRules.vipDnat(services) + VipRules.publishedDnat(services) + "  }\n"
                + "  chain output {\n    type nat hook output priority -100; policy accept;\n" + dnat
                + VipRules.vipDnat(services) + VipRules.publishedDnat(services) + "  }\n"
                + "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n"
                // not through the overlay: a container on another node sees this one's own address (and policy can name it)
                + "    ip saddr " + subnet + " ip daddr != " + subnet + " oifname != \"" + this.names.wgInterface() + "\" masquerade\n"
                + "    ip saddr 127.0.0.0/8 ip daddr " + subnet + " masquerade\n"
                // a published port of a cluster service sent to a replica on another node: that node answers this one
                // (its own default route would take the reply past the client's conntrack); containers keep their address
                + "    oifname \"" + this.names.wgInterface() + "\" ip saddr != " + subnet + " ct status dnat masquerade\n"
                + VipRules.hairpin(services)
                + "  }\n"
                + forward(names, policies)
                + "}\n";
    }
}
