package dev.yoq.node.daemon.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.node.protocol.HelperError;
import dev.yoq.node.protocol.HelperException;
import dev.yoq.node.protocol.NetworkPolicy;
import dev.yoq.node.protocol.NodeNames;
import dev.yoq.node.protocol.ServiceVip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The VIP table the server last sent, checked (a forged table must not steer traffic outside yoq's ranges) and
 * kept in {@code network/services.json}, so a restarted helper serves the VIPs before the server calls again.
 */
final class ServiceTable {
    private static final ObjectMapper JSON = dev.yoq.node.protocol.MessageCodec.SHARED.mapper();
    static final int MAX_SERVICES = 1024;   // spec §6: the registry holds 1024 services

    record Stored(List<ServiceVip> services, boolean dnsReturnsVip) {}

    private final Path file;
    private List<ServiceVip> services = List.of();
    private boolean dnsReturnsVip = true;

    ServiceTable(Path file, Consumer<String> log) {
        this.file = file;
        try {
            if (Files.exists(file)) {
                Stored s = JSON.readValue(file.toFile(), Stored.class);
                services = List.copyOf(s.services());
                dnsReturnsVip = s.dnsReturnsVip();
            }
        } catch (IOException | RuntimeException e) {
            log.accept("service table " + file + " is unreadable (" + e.getMessage() + "); no VIPs until the server sends them");
        }
    }

    int size() { return services.size(); }

    void replace(List<ServiceVip> next, boolean returnsVip, NodeNames names) throws IOException {
        if (next == null) next = List.of();
        check(next, names);
        services = List.copyOf(next);
        dnsReturnsVip = returnsVip;
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(new Stored(services, dnsReturnsVip)));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    static void check(List<ServiceVip> table, NodeNames names) {
        if (table.size() > MAX_SERVICES) throw invalid("at most " + MAX_SERVICES + " services, got " + table.size());
        Set<String> vips = new java.util.HashSet<>(), ports = new java.util.HashSet<>();
        for (ServiceVip s : table) {
            if (s.name() == null || !NetworkPolicy.NAME.matcher(s.name()).matches()) throw invalid("bad service name " + s.name());
            for (String a : s.aliases()) {
                if (a == null || !ServiceVip.ALIAS.matcher(a).matches()) throw invalid("bad alias " + a + " of " + s.name());
            }
            if (!ipv4(s.vip()) || !NodeNames.contains(names.vipSubnet(), s.vip()) || !vips.add(s.vip())) {
                throw invalid("service " + s.name() + ": VIP " + s.vip() + " is not a free address of " + names.vipSubnet());
            }
            if (s.backends().size() > ServiceVip.MAX_BACKENDS) {
                throw invalid("service " + s.name() + ": " + s.backends().size() + " backends, at most " + ServiceVip.MAX_BACKENDS);
            }
            for (String b : concat(s.backends(), s.members())) {
                // another node's replica (a cluster service): served only while the overlay routes to it (serving())
                if (!ipv4(b) || NodeNames.contains(names.vipSubnet(), b)) throw invalid("service " + s.name() + ": backend " + b + " is not a container address");
            }
            s.ports().forEach(p -> {
                if (!ports.add(p.protocol() + "/" + p.hostPort())) throw invalid("host port " + p.hostPort() + "/" + p.protocol() + " is given twice");
            });
        }
    }

    /**
     * The table with only the backends and members that can take traffic now, each list in address order: on this
     * node's subnet, those whose container runs here; elsewhere (another node's replicas of a cluster service), those
     * the overlay routes to ({@code routed}), so a table can never steer traffic out of the cluster's containers.
     */
    List<ServiceVip> serving(Set<String> live, String subnet, java.util.function.Predicate<String> routed) {
        java.util.function.Predicate<String> reachable = a -> NodeNames.contains(subnet, a) ? live.contains(a) : routed.test(a);
        List<ServiceVip> out = new ArrayList<>();
        for (ServiceVip s : services) {
            out.add(new ServiceVip(s.name(), s.aliases(), s.vip(), s.ports(), present(s.backends(), reachable), present(s.members(), reachable)));
        }
        return out;
    }

    /**
     * DNS: a service's name and aliases answer with its VIP, or with its backends when so configured; a service
     * with no replica ready gets no answer (health gates names, as for single containers: a dependent started
     * once it is healthy finds the name, and nobody is sent to a VIP that would refuse them).
     */
    Map<String, List<String>> dnsEntries(List<ServiceVip> serving) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ServiceVip s : serving) {
            if (s.backends().isEmpty()) continue;
            List<String> answer = dnsReturnsVip ? List.of(s.vip()) : s.backends();
            for (String name : concat(List.of(s.name()), s.aliases())) {
                out.merge(name, answer, ServiceTable::union);
            }
        }
        return out;
    }

    /** Both lists' addresses, each once, in first-seen order (a name two services or apps share answers for both). */
    static List<String> union(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList();
    }

    private static List<String> present(List<String> addresses, java.util.function.Predicate<String> reachable) {
        return addresses.stream().filter(reachable).distinct().sorted(Comparator.comparingInt(NodeNames::address)).toList();
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static boolean ipv4(String s) {
        return s != null && s.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    }

    private static HelperException invalid(String why) {
        return new HelperException(HelperError.INVALID, why);
    }
}
