package dev.yoq.api;

import java.util.List;

import dev.yoq.server.NodeStatus;
import dev.yoq.server.StatusService;
import jakarta.ejb.EJB;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /v1/status}: the spec's per-service rows (name, status, health, cpu_pct, memory_bytes, running,
 * desired, uptime_secs, PSI, and yoq's app, restart_count and alerts); {@code GET /v1/node}: this node's state.
 */
@Path("v1")
public class StatusResource {

    @EJB
    StatusService status;

    // Yasson orders by Java property names, not by the renamed JSON names
    @JsonbPropertyOrder({"nodeId", "role", "version", "uptimeSecs", "dataDir", "schemaVersion", "ready",
            "apps", "containers", "images", "services"})
    public record StatusView(
            @JsonbProperty("node_id") String nodeId,
            String role,
            String version,
            @JsonbProperty("uptime_secs") long uptimeSecs,
            @JsonbProperty("data_dir") String dataDir,
            @JsonbProperty("schema_version") int schemaVersion,
            boolean ready,
            long apps,
            long containers,
            long images,
            List<Object> services) {

        static StatusView of(NodeStatus s) {
            return new StatusView(s.nodeId(), s.role(), s.version(), s.uptimeSecs(), s.dataDir(), s.schemaVersion(),
                    s.ready(), s.apps(), s.containers(), s.images(), List.of());
        }
    }

    @EJB
    dev.yoq.app.ServiceMonitor services;

    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Per-service rows: status, health, CPU %, memory, running/desired, uptime, PSI, alerts")
    public List<java.util.Map<String, Object>> services() {
        return services.rows();
    }

    @EJB
    dev.yoq.service.ServiceDataplane dataplane;

    @GET
    @Path("status/dataplane")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Which dataplane serves the VIPs (bpf or nftables, and why), its programs and maps")
    public java.util.Map<String, Object> dataplane() {
        return dataplane.status();
    }

    @GET
    @Path("status/bpf")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "BPF map usage: [{name,used,max,pct}] (empty on the nftables fallback)")
    public List<java.util.Map<String, Object>> bpf() {
        List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        if (dataplane.status().get("maps") instanceof List<?> maps) {
            for (Object o : maps) {
                if (!(o instanceof java.util.Map<?, ?> m)) continue;
                long used = ((Number) m.get("used")).longValue(), max = ((Number) m.get("max")).longValue();
                java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("name", m.get("name"));
                row.put("used", used);
                row.put("max", max);
                row.put("pct", max == 0 ? 0.0 : Math.round(used * 1000.0 / max) / 10.0);
                out.add(row);
            }
        }
        return out;
    }

    @GET
    @Path("node")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "This node's state: identity, version, uptime, data directory, schema version, counts")
    public StatusView get() {
        return StatusView.of(status.status());
    }
}
