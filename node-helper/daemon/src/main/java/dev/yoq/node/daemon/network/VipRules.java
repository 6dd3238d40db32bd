package dev.yoq.node.daemon.network;

import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ServiceVip;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The nftables half of the service dataplane (pure): a VIP's traffic and a service's published ports spread over
 * its backends by a hash of the flow ({@code jhash} of source address and port, so one flow always lands on one
 * backend and conntrack keeps it there even after the backend leaves the set: draining). This is the whole
 * dataplane when BPF is off, and with BPF on it still serves what BPF does not see: the host's own connections
 * to a VIP and published ports (BPF translates a container's VIP traffic before these rules could match it).
 * A VIP without backends, or any other address of the VIP range, is rejected at once rather than routed out of
 * the host.
 */
final class VipRules {
    static final String SEED = "0x796f71";

    private VipRules() {}

    static List<ServiceVip> sorted(List<ServiceVip> services) {
        List<ServiceVip> out = new ArrayList<>(services);
        out.sort(Comparator.comparing(ServiceVip::vip, Comparator.comparingInt(NodeNames::address)));
        return out;
    }

    /**
     * DNAT of VIPs, in prerouting (containers) and output (the host itself). No interface match: traffic between
     * containers passes prerouting through br_netfilter with the bridge port as its input interface, and the VIP
     * range is this install's own anyway.
     */
    static String vipDnat(List<ServiceVip> services) {
        StringBuilder out = new StringBuilder();
        for (ServiceVip s : sorted(services)) {
            if (s.backends().isEmpty()) continue;
            out.append("    ip daddr ").append(s.vip()).append(" meta l4proto { tcp, udp } dnat to ");
            if (s.backends().size() == 1) out.append(s.backends().get(0));
            else out.append("jhash ip saddr . th sport mod ").append(s.backends().size()).append(" seed ").append(SEED).append(" map { ")
                    .append(indexed(s.backends(), null)).append(" }");
            out.append('\n');
        }
        return out.toString();
    }

    /** DNAT of the services' published ports, from any local address, to the backends' container port. */
    static String publishedDnat(List<ServiceVip> services) {
        StringBuilder out = new StringBuilder();
        for (ServiceVip s : sorted(services)) {
            if (s.backends().isEmpty()) continue;
            for (PortMapping p : s.ports()) {
                out.append("    fib daddr type local ").append(p.protocol()).append(" dport ").append(p.hostPort()).append(" dnat ");
                if (s.backends().size() == 1) out.append("to ").append(s.backends().get(0)).append(':').append(p.containerPort());
                else out.append("ip to jhash ip saddr . ").append(p.protocol()).append(" sport mod ").append(s.backends().size())
                        .append(" seed ").append(SEED).append(" map { ").append(indexed(s.backends(), p.containerPort())).append(" }");
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * A replica that calls its own VIP and is picked itself gets its packet back with its own address as source,
     * which it drops as martian: such flows leave with the gateway's address instead (kube-proxy's hairpin rule).
     */
    static String hairpin(List<ServiceVip> services) {
        java.util.SortedSet<String> backends = new java.util.TreeSet<>(Comparator.comparingInt(NodeNames::address));
        services.forEach(s -> backends.addAll(s.backends()));
        StringBuilder out = new StringBuilder();
        for (String b : backends) out.append("    ip saddr ").append(b).append(" ip daddr ").append(b).append(" masquerade\n");
        return out.toString();
    }

    /** Untranslated traffic to the VIP range (no backend, or no such VIP) is refused, never routed upstream. */
    static String refuseRest(String vipSubnet) {
        return "    ip daddr " + vipSubnet + " reject\n";
    }

    private static String indexed(List<String> backends, Integer port) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) entries.add(i + " : " + backends.get(i) + (port == null ? "" : " . " + port));
        return String.join(", ", entries);
    }
}
