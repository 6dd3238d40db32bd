package dev.yoq.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.manifest.AppSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The effective config of each workload in a snapshot, as a hash of its canonical JSON: two releases that give a
 * service the same hash run it the same way, so a new release leaves it running. Keys are {@code kind:name}.
 */
public final class WorkloadHashes {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> KINDS = Map.of("services", "service", "workers", "worker", "crons", "cron",
            "training_jobs", "training_job");

    private WorkloadHashes() {}

    public static Map<String, String> of(String snapshotJson) {
        return hashes(snapshotJson, false);
    }

    /**
     * What a replica runs, per workload: as {@link #of} but a service's {@code replicas}, {@code rollout},
     * {@code http_routes} and {@code tls} left out, since none changes how one replica runs. A release that only
     * scales a service, changes how it rolls out, or changes its routes keeps its replicas (the dry run still lists
     * it as an update: {@link #of}); the routes reach the proxy through the service's row.
     */
    public static Map<String, String> ofReplicas(String snapshotJson) {
        return hashes(snapshotJson, true);
    }

    private static Map<String, String> hashes(String snapshotJson, boolean replicaOnly) {
        if (snapshotJson == null) return Map.of();
        try {
            JsonNode root = JSON.readTree(snapshotJson);
            Map<String, String> out = new LinkedHashMap<>();
            for (String array : new String[] {"services", "workers", "crons", "training_jobs"}) {
                for (JsonNode w : root.path(array)) {
                    if (replicaOnly && array.equals("services") && w instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        o.remove("replicas");
                        o.remove("rollout");
                        o.remove("http_routes");   // routes and TLS live in the edge proxy, not in the replica
                        o.remove("tls");
                    }
                    out.put(KINDS.get(array) + ":" + w.path("name").asText(), AppSnapshot.hash(JSON.writeValueAsString(w)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("a stored snapshot is not JSON", e);
        }
    }
}
