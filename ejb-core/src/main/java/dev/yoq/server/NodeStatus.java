package dev.yoq.server;

/**
 * What {@code GET /v1/status} reports about this node. The per-service array of the spec arrives with the apps
 * issue; the REST view already carries an empty {@code services} list in its place.
 */
public record NodeStatus(String nodeId, String role, String version, long uptimeSecs, String dataDir,
                         int schemaVersion, boolean ready, long apps, long containers, long images) {
}
