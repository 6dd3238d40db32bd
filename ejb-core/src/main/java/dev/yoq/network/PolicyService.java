package dev.yoq.network;

import dev.yoq.model.PolicyRecord;
import dev.yoq.node.NodeClient;
import dev.yoq.node.NodeConnector;
import dev.yoq.node.protocol.NetworkPolicy;
import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.CommandRejectedException;
import dev.yoq.state.FreshReads;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Network policy (spec §1.6): rules in SQLite by command, and after every change the whole rule set goes to the
 * node helper, which resolves the names and enforces them in its nftables table. A helper that is down gets
 * the rules when the supervisor reconnects.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PolicyService {
    private static final Logger LOG = Logger.getLogger(PolicyService.class.getName());

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    @Inject
    NodeConnector node;

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<NetworkPolicy> list() {
        return FreshReads.fresh(em.createQuery("SELECT p FROM PolicyRecord p ORDER BY p.source, p.target", PolicyRecord.class))
                .getResultList().stream().map(p -> new NetworkPolicy(p.getSource(), p.getTarget(), p.getAction())).toList();
    }

    public void set(String source, String target, String action, String actor) {
        if (!"deny".equals(action) && !"allow".equals(action)) throw new NetworkException(NetworkException.Kind.INVALID, "action must be 'deny' or 'allow'");
        checkName("source", source);
        checkName("target", target);
        bus.submit(new Command.SetPolicy(source, target, action, actor, System.currentTimeMillis()));
        push();
    }

    public void remove(String source, String target, String actor) {
        try {
            bus.submit(new Command.RemovePolicy(source, target, actor, System.currentTimeMillis()));
        } catch (CommandRejectedException e) {
            throw new NetworkException(NetworkException.Kind.NOT_FOUND, e.getMessage());
        }
        push();
    }

    /** The rule set last sent from the 5 s cluster sync (null: none yet). */
    private static final java.util.concurrent.atomic.AtomicReference<List<NetworkPolicy>> SYNCED = new java.util.concurrent.atomic.AtomicReference<>();

    @Inject
    dev.yoq.cluster.ClusterInfo cluster;

    /**
     * On a cluster server the rules change through the log, also when another server took the write: every 5 s
     * the rule set is sent to this node's helper if it differs from what this sync last sent (once per change).
     */
    @jakarta.ejb.Schedule(second = "*/5", minute = "*", hour = "*", persistent = false)
    void syncClusterRules() {
        if (!cluster.clustered()) return;
        List<NetworkPolicy> rules = list();
        if (rules.equals(SYNCED.getAndSet(rules))) return;
        push();
    }

    /** Sends the whole rule set to the helper; false (and a warning) when it is not there to take it. */
    public boolean push() {
        try (NodeClient client = node.open()) {
            client.setPolicies(list());
            return true;
        } catch (IOException e) {
            LOG.warning("network policy not sent to the node helper (" + e.getMessage() + "); it is sent when the helper is back");
            return false;
        }
    }

    private static void checkName(String field, String name) {
        if (name == null || !NetworkPolicy.NAME.matcher(name).matches()) {
            throw new NetworkException(NetworkException.Kind.INVALID, field + ": " + name + " is not a container or service name");
        }
    }
}
