package dev.yoq.security.mtls;

import dev.yoq.security.SecretDelivery;
import dev.yoq.server.ServerStartup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The issuer loop of spec §5.6: every {@link #TICK_MS} while service mTLS is on, the CA exists, every service has
 * a leaf, a leaf with a third of its life left is replaced, and the running replicas of a service whose leaf
 * changed get the new files at once (in place, by rename: no restart). Leaves of services that are gone are
 * forgotten.
 */
@Singleton
@Startup
@jakarta.ejb.DependsOn("ServerStartup")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ServiceCertIssuer {
    private static final Logger LOG = Logger.getLogger(ServiceCertIssuer.class.getName());
    static final long TICK_MS = 60_000, FIRST_MS = 2_000;

    @Resource
    TimerService timers;

    @Inject
    ServerStartup startup;

    @Inject
    ServiceCerts certs;

    @Inject
    SecretDelivery delivery;

    @PostConstruct
    void start() {
        timers.createIntervalTimer(FIRST_MS, TICK_MS, new TimerConfig("service-cert-issuer", false));
    }

    @Timeout
    void tick() {
        if (!startup.report().ready()) return;
        try {
            issueDue(Instant.now());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "service mTLS: the issuer failed this round, trying again in " + TICK_MS / 1000 + " s: " + e.getMessage());
        }
    }

    /** Replicas whose new certificate could not be given (the helper was away): tried again every round. */
    private final java.util.Set<String> undelivered = new java.util.LinkedHashSet<>();

    /** One round; returns how many leaves were issued. One service's failure never stops the others'. */
    public synchronized int issueDue(Instant now) {
        if (certs.clusterCaDue()) certs.ca();   // a cluster's one CA, made by its leader (leaves for work on agents: not yet)
        if (!certs.enabled()) return 0;
        certs.ca();
        int issued = 0;
        for (String service : certs.services()) {
            try {
                if (!certs.ensureLeaf(service, now, true)) continue;
                issued++;
                undelivered.addAll(certs.replicas(service));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "service mTLS: no certificate for service " + service + " this round: " + e.getMessage());
            }
        }
        for (String id : java.util.List.copyOf(undelivered)) {
            if (delivery.redeliver(id, "a new service certificate") || !certs.live(id)) undelivered.remove(id);
        }
        certs.prune();
        return issued;
    }
}
