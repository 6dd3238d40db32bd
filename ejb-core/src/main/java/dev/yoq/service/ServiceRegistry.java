package dev.yoq.service;

import dev.yoq.app.AppContainers;
import dev.yoq.app.HealthMonitor;
import dev.yoq.model.ContainerRecord;
import dev.yoq.model.ServiceEndpointRecord;
import dev.yoq.model.ServiceRecord;
import dev.yoq.network.NetworkException;
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
import java.util.List;

/**
 * The service registry for {@code /v1/services}: services with their VIPs and endpoints, and the operator's
 * endpoint actions (drain, remove). A service is named {@code <app>-<service>}; a bare {@code <service>} works
 * when exactly one app has it.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ServiceRegistry {
    @PersistenceContext(unitName = "yoq")
    EntityManager em;
    @Inject
    CommandBus bus;
    @EJB
    HealthMonitor health;
    @EJB
    ServiceDataplane dataplane;
    @EJB
    AppContainers containers;

    /** An endpoint with what the VIP makes of it now. */
    public record Endpoint(ServiceEndpointRecord record, ContainerRecord container, String health, boolean eligible) {}

    public List<ServiceRecord> list() {
        return FreshReads.fresh(em.createQuery("SELECT s FROM ServiceRecord s ORDER BY s.name", ServiceRecord.class)).getResultList();
    }

    public ServiceRecord get(String name) {
        ServiceRecord s = em.find(ServiceRecord.class, name, FreshReads.FIND);
        if (s != null) return s;
        List<ServiceRecord> bare = FreshReads.fresh(em.createQuery("SELECT s FROM ServiceRecord s WHERE s.workloadName = :n", ServiceRecord.class)
                .setParameter("n", name)).getResultList();
        if (bare.size() == 1) return bare.get(0);
        if (bare.size() > 1) {
            throw new NetworkException(NetworkException.Kind.INVALID, "service " + name + " is in several apps: name it "
                    + String.join(" or ", bare.stream().map(ServiceRecord::getName).toList()));
        }
        throw new NetworkException(NetworkException.Kind.NOT_FOUND, "service " + name + " not found");
    }

    public List<Endpoint> endpoints(ServiceRecord s) {
        List<Endpoint> out = new java.util.ArrayList<>();
        for (ServiceEndpointRecord e : FreshReads.fresh(em.createQuery(
                "SELECT e FROM ServiceEndpointRecord e WHERE e.serviceName = :n ORDER BY e.registeredAt", ServiceEndpointRecord.class)
                .setParameter("n", s.getName())).getResultList()) {
            ContainerRecord c = em.find(ContainerRecord.class, e.getContainerId(), FreshReads.FIND);
            out.add(new Endpoint(e, c, health.status(e.getContainerId()), ServiceTables.eligible(e, c, health::serving)));
        }
        return out;
    }

    /** The endpoint takes no new flows from now on and keeps the ones it has. */
    public void drain(String service, String endpointId) {
        ServiceRecord s = get(service);
        endpoint(s, endpointId);
        bus.submit(new Command.SetEndpointStates(s.getName(), java.util.Map.of(endpointId, ServiceEndpointRecord.DRAINING),
                System.currentTimeMillis()));
        dataplane.syncNow();
    }

    /** The endpoint leaves the service for good: out of the VIP at once, its replica stopped and removed. */
    public void remove(String service, String endpointId) {
        ServiceRecord s = get(service);
        ServiceEndpointRecord e = endpoint(s, endpointId);
        bus.submit(new Command.SetEndpointStates(s.getName(), java.util.Map.of(endpointId, ServiceEndpointRecord.DRAINING),
                System.currentTimeMillis()));
        dataplane.syncNow();
        containers.remove(e.getContainerId());
        dataplane.syncNow();
    }

    @EJB
    dev.yoq.app.AppRollouts rollouts;
    @EJB
    dev.yoq.app.RolloutExecutor executor;
    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedExecutorService background;

    /**
     * Sends the VIP table now and, in the background, brings the service back to its replica count under the config
     * its replicas run (missing or broken replicas replaced, rolling); skipped while a rollout holds the app, which
     * converges the service itself.
     */
    public void reconcile(String service) {
        ServiceRecord s = get(service);
        dataplane.syncNow();
        background.execute(() -> {
            if (!rollouts.beginReconcile(s.getAppName())) return;
            try {
                String failure = executor.reconcile(s.getAppName(), s.getWorkloadName(), () -> rollouts.yieldAsked(s.getAppName()));
                if (failure != null) java.util.logging.Logger.getLogger(ServiceRegistry.class.getName())
                        .warning("reconcile of " + s.getName() + ": " + failure);
            } finally {
                rollouts.end(s.getAppName());
            }
        });
    }

    private ServiceEndpointRecord endpoint(ServiceRecord s, String endpointId) {
        ServiceEndpointRecord e = em.find(ServiceEndpointRecord.class, new ServiceEndpointRecord.Key(s.getName(), endpointId), FreshReads.FIND);
        if (e == null) throw new NetworkException(NetworkException.Kind.NOT_FOUND, "service " + s.getName() + " has no endpoint " + endpointId);
        return e;
    }
}
