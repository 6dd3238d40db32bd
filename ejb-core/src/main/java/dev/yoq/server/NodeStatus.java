package dev.yoq.server;

/**
 * What {@code GET /v1/node} reports about this node (the per-service rows of {@code GET /v1/status} come from
 * {@code dev.yoq.app.ServiceMonitor}); the REST view keeps an empty {@code services} list for compatibility.
 */
public record NodeStatus(String nodeId, String role, String version, long uptimeSecs, String dataDir,
                         int schemaVersion, boolean ready, long apps, long containers, long images) {
}
