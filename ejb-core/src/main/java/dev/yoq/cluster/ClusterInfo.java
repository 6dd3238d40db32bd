package dev.yoq.cluster;

import dev.yoq.node.protocol.BuildInfo;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this server says about the cluster it belongs to. A server is not part of a cluster until cluster mode
 * (init-server / join) exists; until then every answer is the spec's answer for a single server: not clustered,
 * node id 0, no peers, no agents.
 */
@ApplicationScoped
public class ClusterInfo {
    /** The cluster wire protocol this build speaks (spec: 1). */
    public static final int PROTOCOL_VERSION = 1;

    public boolean clustered() {
        return false;
    }

    /** This node's id in the cluster; 0 outside one. */
    public int nodeId() {
        return 0;
    }

    public String softwareVersion() {
        return BuildInfo.version();
    }
}
