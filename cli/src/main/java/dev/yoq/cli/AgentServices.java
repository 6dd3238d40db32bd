package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/**
 * Keeps this node's server serving the cluster's services (VIPs, names, replicas on every node), enforcing its
 * network policies and routing its HTTP routes at the edge: every
 * {@link #PERIOD_MS} the servers' table goes to the node's server, whose dataplane serves it beside the node's own
 * services. On a thread of its own, so an image pull in the work loop never leaves a node sending new flows to a
 * replica another agent has stopped; an agent removes a replica only {@link AgentRunner#DRAIN_MS} after its
 * assignment went, by when every node has dropped it.
 */
final class AgentServices {
    static final long PERIOD_MS = 2_000;
    private final PrintStream err;
    private String lastProblem;

    AgentServices(PrintStream err) {
        this.err = err;
    }

    /** The clients of the last hand-over, kept for the next (each holds a kept-alive connection; only this thread uses them). */
    private ApiClient cluster, local;
    private Object clusterKey;

    /**
     * One hand-over, through the cluster server {@code key} names (a new client from {@code clusters} when it is
     * another than last time); a server of an earlier build or one electing leaves the node its last table.
     */
    void sync(Object key, java.util.function.Supplier<ApiClient> clusters, java.util.function.Supplier<ApiClient> locals, String agentId) {
        if (!key.equals(clusterKey)) {
            cluster = clusters.get();
            clusterKey = key;
        }
        if (local == null) local = locals.get();
        sync(cluster, local, agentId);
    }

    private void sync(ApiClient cluster, ApiClient local, String agentId) {
        try {
            JsonNode services = cluster.get("/agents/" + agentId + "/services").json();
            local.put("/v1/node/cluster-services", services);
            // the cluster's network policies too: an agent node's server holds no replicated rules of its own
            local.put("/v1/node/cluster-policies", cluster.get("/agents/" + agentId + "/policies").json());
            // and its HTTP routes, which the node's yoq-proxy serves to the services' replicas on any node
            local.put("/v1/node/cluster-routes", cluster.get("/agents/" + agentId + "/routes").json());
            lastProblem = null;
        } catch (RuntimeException e) {   // whatever it is, the next period tries again (an escaping one would end the task)
            String message = "cluster services: " + (e instanceof CliException ? e.getMessage() : e.toString());
            if (!message.equals(lastProblem)) err.println(message);
            lastProblem = message;
        }
    }
}
