package dev.yoq.app;

import dev.yoq.image.ImageException;
import dev.yoq.manifest.Manifest;
import dev.yoq.model.ContainerRecord;
import dev.yoq.runtime.ContainerException;
import dev.yoq.runtime.ContainerService;
import dev.yoq.runtime.ContainerView;
import dev.yoq.server.ServerStartup;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.FreshReads;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app's containers on this node: which run, starting one for a workload of a release, and taking one away.
 * What goes wrong is returned as a rollout reason (spec §2.4), never thrown, so the rollout decides what follows.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AppContainers {
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @EJB
    ContainerService containers;
    @EJB
    ServerStartup startup;
    @EJB
    HealthMonitor health;
    @Inject
    CommandBus bus;
    @Inject
    dev.yoq.node.NodeConnector node;

    /** The outcome of starting a workload: its container, or why there is none. */
    public record Started(String containerId, String reason, String message) {
        public boolean ok() { return reason == null; }
    }

    /** The app's service replicas, by service, oldest first. */
    public Map<String, List<ContainerRecord>> replicas(String app) {
        Map<String, List<ContainerRecord>> out = new LinkedHashMap<>();
        for (ContainerRecord c : FreshReads.fresh(em.createQuery(
                "SELECT c FROM ContainerRecord c WHERE c.appName = :a AND c.workloadKind = 'service' ORDER BY c.createdAt", ContainerRecord.class)
                .setParameter("a", app)).getResultList()) {
            out.computeIfAbsent(c.getWorkloadName(), k -> new java.util.ArrayList<>()).add(c);
        }
        return out;
    }

    /**
     * The service's replicas as the planner sees them: index, config, process, health and admin state ("none" for a
     * container from before services, which no VIP knows: a release replaces it).
     */
    public List<ReplicaPlan.Replica> replicaStates(String app, String service) {
        Map<String, String> admin = new java.util.HashMap<>();
        for (dev.yoq.model.ServiceEndpointRecord e : FreshReads.fresh(em.createQuery(
                "SELECT e FROM ServiceEndpointRecord e WHERE e.serviceName = :n", dev.yoq.model.ServiceEndpointRecord.class)
                .setParameter("n", dev.yoq.state.Command.serviceName(app, service))).getResultList()) {
            admin.put(e.getContainerId(), e.getAdminState());
        }
        List<ReplicaPlan.Replica> out = new java.util.ArrayList<>();
        for (ContainerRecord c : replicas(app).getOrDefault(service, List.of())) {
            out.add(new ReplicaPlan.Replica(c.getId(), AppWorkloads.replicaIndex(c.getHostname(), service), c.getConfigHash(), c.getStatus(),
                    health.replicaHealth(c),
                    admin.getOrDefault(c.getId(), "none")));
        }
        return out;
    }

    /** The service's VIP, ports and replica count are recorded (the VIP taken on first sight); returns the VIP. */
    public String ensureService(String app, Manifest.Service s) {
        List<dev.yoq.node.protocol.PortMapping> ports = s.ports().stream()
                .map(p -> new dev.yoq.node.protocol.PortMapping("tcp", (int) p.hostPort(), (int) p.containerPort())).toList();
        try {
            return bus.submit(new Command.EnsureService(app, s.name(), ports, s.replicas(), startup.settings().names().vipSubnet(),
                    dev.yoq.manifest.AppSnapshot.routesJson(s.httpRoutes()), s.tls() == null ? null : s.tls().domain(),
                    s.tls() == null ? "off" : s.tls().peer(), System.currentTimeMillis()));
        } catch (dev.yoq.state.CommandRejectedException e) {
            throw new AppException(AppException.Kind.INVALID, "service " + s.name() + ": " + e.getMessage());
        }
    }

    public void removeService(String app, String service) {
        bus.submit(new Command.RemoveService(app, service));
    }

    public void removeServices(String app) {
        for (String service : em.createQuery("SELECT s.workloadName FROM ServiceRecord s WHERE s.appName = :a", String.class)
                .setParameter("a", app).getResultList()) {
            removeService(app, service);
        }
    }

    /** Endpoints change admin state together (one transaction: a blue/green switch is one update of the VIP). */
    public void setEndpointStates(String app, String service, Map<String, String> states) {
        if (!states.isEmpty()) bus.submit(new Command.SetEndpointStates(Command.serviceName(app, service), states, System.currentTimeMillis()));
    }

    public List<ContainerRecord> all(String app) {
        return FreshReads.fresh(em.createQuery("SELECT c FROM ContainerRecord c WHERE c.appName = :a ORDER BY c.createdAt DESC",
                ContainerRecord.class).setParameter("a", app)).getResultList();
    }

    /**
     * Starts replica {@code index} of service {@code s} for release {@code releaseId} (standby: outside the VIP until
     * switched); watches its health check when it has one. One this release already started (a resumed rollout) is
     * adopted when it runs, and replaced when it does not.
     */
    public Started startReplica(String app, AppWorkloads.Volumes volumes, Manifest.Service s, int index, String releaseId, String configHash,
                                boolean standby) {
        try {
            dev.yoq.runtime.RunRequest request = AppWorkloads.replica(app, s, volumes, index, releaseId);
            ContainerRecord earlier = byName(request.name());
            if (earlier != null && "running".equals(earlier.getStatus())) return new Started(earlier.getId(), null, null);
            if (earlier != null) remove(earlier.getId());
            ContainerView v = containers.run(request,
                    new ContainerService.Placement(new Command.Workload(app, "service", s.name(), releaseId, configHash,
                            standby ? dev.yoq.model.ServiceEndpointRecord.STANDBY : null), AppWorkloads.replicaHostname(s.name(), index),
                            s.common().workingDir()));
            if (s.healthCheck() != null && v.ip() != null) health.watch(v.id(), v.ip(), s.name(), s.healthCheck(), s.restart());
            return new Started(v.id(), null, null);
        } catch (ImageException e) {
            return new Started(null, "image_pull_failed", e.getMessage());
        } catch (ContainerException e) {
            return new Started(null, e.kind() == ContainerException.Kind.UNAVAILABLE ? "placement_failed" : "start_failed", e.getMessage());
        } catch (AppException e) {
            return new Started(null, "start_failed", e.getMessage());
        }
    }

    private ContainerRecord byName(String name) {
        return FreshReads.fresh(em.createQuery("SELECT c FROM ContainerRecord c WHERE c.name = :n", ContainerRecord.class).setParameter("n", name))
                .getResultList().stream().findFirst().orElse(null);
    }

    /** Starts a one-shot run of a worker or cron job (never restarted). */
    public Started startOneShot(String app, AppWorkloads.Volumes volumes, String kind, String name, Manifest.Common common, String releaseId, String runId) {
        try {
            ContainerView v = containers.run(AppWorkloads.oneShot(app, name + "-" + runId.substring(0, 6), common, volumes),
                    new ContainerService.Placement(new Command.Workload(app, kind, name, releaseId, null), name, common.workingDir()));
            return new Started(v.id(), null, null);
        } catch (ImageException e) {
            return new Started(null, "image_pull_failed", e.getMessage());
        } catch (ContainerException | AppException e) {
            return new Started(null, "start_failed", e.getMessage());
        }
    }

    /** Stops (SIGTERM, then SIGKILL after the grace period) and removes a container; gone already is fine. */
    public void remove(String containerId) {
        health.forget(containerId);
        for (int attempt = 1; ; attempt++) {
            try {
                try {
                    containers.stop(containerId);   // a running one, or one waiting for its restart policy's next run
                } catch (ContainerException e) {
                    if (e.kind() != ContainerException.Kind.WRONG_STATE) throw e;
                }
                containers.remove(containerId);
                return;
            } catch (ContainerException e) {
                if (e.kind() == ContainerException.Kind.NOT_FOUND) return;
                // it was starting while we stopped it (created → running): stop it again
                if (e.kind() != ContainerException.Kind.WRONG_STATE || attempt == 5) throw e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Readies the app's volumes and records them (a named volume no [volume.*] declares is a local one, as validate
     * says): local ones are created, host and parallel paths must be
     * directories (a parallel filesystem must already be mounted), nfs exports are mounted by the helper.
     */
    public AppWorkloads.Volumes volumes(String app, Manifest m) {
        List<Manifest.VolumeDecl> all = AppWorkloads.declaredOrLocal(m);
        AppWorkloads.Volumes volumes = new AppWorkloads.Volumes(startup.settings().layout().root(), all);
        for (Manifest.VolumeDecl v : all) ready(app, v, volumes);
        return volumes;
    }

    /**
     * Readies one volume of an app on this node, as a cluster's agent asks before it starts work mounting it, and
     * returns its path on this node.
     */
    public Path volume(String app, Manifest.VolumeDecl v) {
        List<String> problems = new java.util.ArrayList<>();
        if (!List.of("local", "host", "nfs", "parallel").contains(v.driver())) problems.add("driver must be local, host, nfs or parallel");
        if (List.of("host", "parallel").contains(v.driver()) && (v.path() == null || !v.path().startsWith("/"))) problems.add("path must be absolute");
        if ("nfs".equals(v.driver()) && (v.server() == null || v.server().isBlank() || v.path() == null || !v.path().startsWith("/"))) {
            problems.add("nfs needs a server and an absolute path");
        }
        if (!problems.isEmpty()) throw new AppException(AppException.Kind.INVALID, "volume " + v.name() + ": " + String.join("; ", problems));
        AppWorkloads.Volumes volumes = new AppWorkloads.Volumes(startup.settings().layout().root(), List.of(v));
        ready(app, v, volumes);
        return volumes.path(app, v.name());
    }

    private void ready(String app, Manifest.VolumeDecl v, AppWorkloads.Volumes volumes) {
        Path path = volumes.path(app, v.name());
        try {
            switch (v.driver()) {
                case "local" -> Files.createDirectories(path);
                case "nfs" -> mountNfs(app, v);
                default -> {
                    if (!Files.isDirectory(path)) {
                        throw new AppException(AppException.Kind.INVALID, "volume " + v.name() + ": " + v.driver() + " path " + path
                                + (v.driver().equals("parallel") ? " is not mounted on this node" : " is not a directory"));
                    }
                }
            }
        } catch (IOException e) {
            throw new AppException(AppException.Kind.INVALID, "volume " + v.name() + ": cannot create " + path + ": " + e.getMessage());
        }
        bus.submit(new Command.EnsureVolume(app, v.name(), v.driver(), path.toString(), System.currentTimeMillis()));
    }

    private void mountNfs(String app, Manifest.VolumeDecl v) throws IOException {
        try (dev.yoq.node.NodeClient client = node.open()) {
            client.mountNfs(app, v.name(), v.server(), v.path(), v.options());
        } catch (dev.yoq.node.protocol.HelperException e) {
            throw new AppException(AppException.Kind.INVALID, e.getMessage());
        }
    }
}
