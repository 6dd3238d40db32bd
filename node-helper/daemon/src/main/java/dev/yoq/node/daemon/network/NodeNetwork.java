package dev.yoq.node.daemon.network;

import dev.yoq.node.daemon.dns.DnsAnswers;
import dev.yoq.node.daemon.dns.DnsServer;
import dev.yoq.node.daemon.dns.Forwarder;
import dev.yoq.node.daemon.dns.NameTable;
import dev.yoq.node.protocol.ContainerSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * This node's container network as a whole: per-container attach/detach, and {@link #sync} to make the port
 * rules and the DNS names match the containers the helper has (after each change and at helper start). The
 * resolver starts with the first networked container, since it listens on the bridge's own address.
 */
public final class NodeNetwork {
    private final NetworkDriver driver;
    private final Consumer<String> log;
    private final NameTable names = new NameTable();
    private DnsServer dns;
    private boolean dnsFailureLogged;

    public NodeNetwork(NetworkDriver driver, Consumer<String> log) {
        this.driver = driver;
        this.log = log;
    }

    public void attach(String id) throws IOException { driver.attach(id); }

    public void detach(String id) throws IOException { driver.detach(id); }

    public synchronized void sync(Collection<ContainerSpec> specs) throws IOException {
        List<ContainerSpec.Net> nets = specs.stream().map(ContainerSpec::net).filter(Objects::nonNull).toList();
        if (nets.isEmpty() && dns == null) return;   // nothing networked yet: no bridge, no table, no resolver
        driver.ensureBridge();
        driver.applyRules(nets);
        Map<String, List<String>> entries = new TreeMap<>();
        for (ContainerSpec s : specs) if (s.net() != null && s.name() != null) entries.put(s.name(), List.of(s.net().ip()));
        if (entries.size() > NameTable.MAX_NAMES) log.accept("DNS: " + entries.size() + " names, only " + NameTable.MAX_NAMES + " are served");
        names.replace(entries);
        if (dns == null) startResolver();
    }

    private void startResolver() {
        try {
            Forwarder upstream = new Forwarder(Forwarder.upstreamOf(Path.of("/etc/resolv.conf")), System::currentTimeMillis);
            dns = new DnsServer(InetAddress.getByName(NetworkPlan.GATEWAY), 53, new DnsAnswers(names, upstream), log);
        } catch (IOException e) {   // tried again at the next change: the port may be free by then
            if (!dnsFailureLogged) log.accept("DNS: cannot listen on " + NetworkPlan.GATEWAY + ":53 (" + e.getMessage() + "); containers get no name service");
            dnsFailureLogged = true;
        }
    }

    /** The resolver, or null while it does not run. */
    public DnsServer dns() { return dns; }
}
