package dev.yoq.service;

import dev.yoq.network.NetworkException;
import dev.yoq.node.protocol.NetworkPolicy;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.ServiceVip;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster's services as a node serves them beside its own (pure): {@code yoq join} hands the servers' table to
 * its node's server, which checks it as strictly as the helper will (one bad entry would make the helper refuse the
 * node's whole table) and adds it to the node's own services; a node's own service keeps its name and VIP.
 */
public final class ClusterServiceTable {
    /** The spec's registry bound (§6): 1024 services. */
    public static final int MAX_SERVICES = 1024;

    private ClusterServiceTable() {}

    /** Refuses a table the node could not serve, naming the entry and field at fault. */
    public static List<ServiceVip> checked(List<ServiceVip> table, String vipSubnet) {
        if (table == null) throw invalid("the body must be a JSON array of services");
        if (table.size() > MAX_SERVICES) throw invalid("at most " + MAX_SERVICES + " services, got " + table.size());
        Set<String> names = new HashSet<>(), vips = new HashSet<>(), published = new HashSet<>();
        for (int i = 0; i < table.size(); i++) {
            ServiceVip s = table.get(i);
            String at = "[" + i + "]";
            if (s == null) throw invalid(at + ": null");
            if (s.name() == null || !NetworkPolicy.NAME.matcher(s.name()).matches() || !names.add(s.name())) {
                throw invalid(at + ".name: " + s.name() + " is not a service name (letters, digits, '-'; at most 63) or is listed twice");
            }
            for (String a : s.aliases()) {
                if (a == null || !ServiceVip.ALIAS.matcher(a).matches()) throw invalid(at + ".aliases: bad name " + a);
            }
            if (s.vip() == null || !NodeNames.isIpv4(s.vip()) || !NodeNames.contains(vipSubnet, s.vip()) || !vips.add(s.vip())) {
                throw invalid(at + ".vip: " + s.vip() + " is not an address of this node's VIP range " + vipSubnet + " (or is listed twice)");
            }
            for (int j = 0; j < s.ports().size(); j++) {
                dev.yoq.node.protocol.PortMapping p = s.ports().get(j);
                String where = at + ".ports[" + j + "]";
                if (p == null) throw invalid(where + ": null");   // a PortMapping checks its own protocol and numbers
                if (!published.add(p.protocol() + "/" + p.hostPort())) throw invalid(where + ": host port " + p.hostPort() + "/" + p.protocol() + " is given twice");
            }
            if (s.backends().size() > ServiceVip.MAX_BACKENDS) {
                throw invalid(at + ".backends: " + s.backends().size() + ", at most " + ServiceVip.MAX_BACKENDS);
            }
            if (s.members().size() > MAX_SERVICES) throw invalid(at + ".members: at most " + MAX_SERVICES);
            for (String b : concat(s.backends(), s.members())) {
                if (!NodeNames.isIpv4(b) || NodeNames.contains(vipSubnet, b)) throw invalid(at + ": backend " + b + " is not a container address");
            }
        }
        return List.copyOf(table);
    }

    /**
     * The node's own services, then the cluster's whose name and VIP no own service has; a cluster service's host
     * port that the node already publishes ({@code taken}: {@code tcp/8080}, its containers' and own services') is left
     * to the node's own.
     */
    public static List<ServiceVip> merged(List<ServiceVip> own, List<ServiceVip> cluster, Set<String> taken) {
        if (cluster.isEmpty()) return own;
        Set<String> names = new HashSet<>(), vips = new HashSet<>();
        own.forEach(s -> {
            names.add(s.name());
            vips.add(s.vip());
        });
        List<ServiceVip> out = new ArrayList<>(own);
        for (ServiceVip s : cluster) {
            if (out.size() >= MAX_SERVICES) break;
            if (names.contains(s.name()) || vips.contains(s.vip())) continue;
            List<dev.yoq.node.protocol.PortMapping> free = s.ports().stream().filter(p -> !taken.contains(p.protocol() + "/" + p.hostPort())).toList();
            out.add(free.size() == s.ports().size() ? s : new ServiceVip(s.name(), s.aliases(), s.vip(), free, s.backends(), s.members()));
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static NetworkException invalid(String message) {
        return new NetworkException(NetworkException.Kind.INVALID, "cluster services: " + message);
    }
}
