package dev.yoq.cluster.work;

import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.ServiceVip;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The VIP table of a cluster's services, as every node's dataplane serves it (pure): per service with a cluster
 * VIP, its backends are the replicas its agents report running (health passed where it has a check) at the
 * address they reported, on whichever node. A replica that is pending, failed, stopped or moved is in no table.
 * A cluster VIP forwards every port; a service's published {@code ports} (its serving release's) are published on
 * every node, each sending to any replica; a host port two services publish is the first's by name.
 */
public final class ClusterVips {
    private ClusterVips() {}

    /** A service's VIP as the replicated table holds it. */
    public record Service(String name, String app, String workload, String vip) {}

    /** A replica its agent reported running at {@code ip}. */
    public record Replica(String app, String workload, String ip) {}

    /** {@code ports}: each service's published ports by its registry name (none when absent). */
    public static List<ServiceVip> table(List<Service> services, List<Replica> running,
                                         java.util.Map<String, List<dev.yoq.node.protocol.PortMapping>> ports) {
        List<ServiceVip> out = new ArrayList<>();
        java.util.Set<String> published = new java.util.HashSet<>();   // protocol/host port: one service each, every node alike
        for (Service s : services.stream().sorted(Comparator.comparing(Service::name)).toList()) {
            // an app or service name no DNS name can carry (app names may hold '_' or '.'): no VIP rather than a table
            // every node would refuse whole
            if (!dev.yoq.node.protocol.NetworkPolicy.NAME.matcher(s.name()).matches()) continue;
            List<String> backends = running.stream().filter(r -> s.app().equals(r.app()) && s.workload().equals(r.workload()))
                    .map(Replica::ip).distinct().sorted(Comparator.comparingInt(NodeNames::address)).toList();
            // two apps publishing one host port: the first by name keeps it (a node would refuse a table giving it twice)
            List<dev.yoq.node.protocol.PortMapping> own = ports.getOrDefault(s.name(), List.of()).stream()
                    .filter(p -> published.add(p.protocol() + "/" + p.hostPort())).toList();
            out.add(new ServiceVip(s.name(), List.of(s.workload(), s.workload() + "." + s.app()), s.vip(), own,
                    backends.stream().limit(ServiceVip.MAX_BACKENDS).toList(), backends));
        }
        out.sort(Comparator.comparing(ServiceVip::name));
        return out;
    }
}
