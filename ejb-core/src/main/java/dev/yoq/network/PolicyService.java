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

    /** The cluster's rules as this node's {@code yoq join} last handed them over (an agent node holds no replicated rules). */
    private static final java.util.concurrent.atomic.AtomicReference<List<NetworkPolicy>> CLUSTER =
            new java.util.concurrent.atomic.AtomicReference<>(List.of());
    /** The spec's bound on rules a node enforces. */
    public static final int MAX_CLUSTER_RULES = 1024;

    /** The cluster's rules from now on (checked first); sent to the helper at once when they changed. Returns how many. */
    public int setClusterRules(List<NetworkPolicy> rules) {
        List<NetworkPolicy> checked = checkedClusterRules(rules);
        if (!checked.equals(CLUSTER.getAndSet(checked))) push();
        return checked.size();
    }

    static List<NetworkPolicy> checkedClusterRules(List<NetworkPolicy> rules) {
        if (rules == null) throw new NetworkException(NetworkException.Kind.INVALID, "cluster policies: the body must be a JSON array of rules");
        if (rules.size() > MAX_CLUSTER_RULES) {
            throw new NetworkException(NetworkException.Kind.INVALID, "cluster policies: at most " + MAX_CLUSTER_RULES + " rules, got " + rules.size());
        }
        for (int i = 0; i < rules.size(); i++) {
            NetworkPolicy p = rules.get(i);
            if (p == null) throw new NetworkException(NetworkException.Kind.INVALID, "cluster policies: [" + i + "]: null");
            checkName("cluster policies: [" + i + "].source", p.source());
            checkName("cluster policies: [" + i + "].target", p.target());
            if (!"deny".equals(p.action()) && !"allow".equals(p.action())) {
                throw new NetworkException(NetworkException.Kind.INVALID, "cluster policies: [" + i + "].action: 'deny' or 'allow', got " + p.action());
            }
        }
        return List.copyOf(rules);
    }

    public List<NetworkPolicy> clusterRules() {
        return CLUSTER.get();
    }

    /** What the helper enforces: this node's rules, then the cluster's for pairs this node has no rule of its own for. */
    static List<NetworkPolicy> enforced(List<NetworkPolicy> own, List<NetworkPolicy> cluster) {
        if (cluster.isEmpty()) return own;
        java.util.Set<String> pairs = new java.util.HashSet<>();
        own.forEach(p -> pairs.add(p.source() + "\n" + p.target()));
        List<NetworkPolicy> out = new java.util.ArrayList<>(own);
        for (NetworkPolicy p : cluster) if (pairs.add(p.source() + "\n" + p.target())) out.add(p);
        return out;
    }

    /** Sends the whole rule set to the helper; false (and a warning) when it is not there to take it. */
    public boolean push() {
        try (NodeClient client = node.open()) {
            client.setPolicies(enforced(list(), CLUSTER.get()));
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
