package dev.yoq.api.metrics;

import dev.yoq.api.ErrorBody;
import jakarta.inject.Inject;
import java.util.List;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /v1/metrics?format=prometheus}: every metric of the server (base, vendor, application) as
 * Prometheus text, behind the bearer token. This is where scrapers go when {@code /metrics} is closed with
 * {@code yoq.metrics.authentication=true}, with the containers' network counters added
 * ({@code yoq_network_packets_total}, {@code yoq_network_bytes_total}, Appendix D). Without a format: the
 * network counters of running containers as JSON ({@code ?service=} narrows to one service; {@code ?mode=pairs}
 * gives service pairs). Storage I/O and GPU counters come with the features that produce them (501 until then).
 */
@Path("v1/metrics")
public class MetricsResource {

    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    @RegistryScope(scope = MetricRegistry.BASE_SCOPE)
    MetricRegistry base;

    @Inject
    @RegistryScope(scope = MetricRegistry.VENDOR_SCOPE)
    MetricRegistry vendor;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry application;

    @GET
    @Produces({PROMETHEUS, "application/json"})
    @Operation(summary = "Every metric of the server as Prometheus text (format=prometheus)")
    public Response get(@QueryParam("format") String format, @QueryParam("mode") String mode, @QueryParam("service") String service) {
        if (format != null && !"prometheus".equals(format)) return ErrorBody.response(400, "format must be prometheus", "bad_request");
        if ("prometheus".equals(format)) {
            StringBuilder out = new StringBuilder(16 * 1024);
            PrometheusText.render("base", base.getMetrics(), base::getMetadata, out);
            PrometheusText.render("vendor", vendor.getMetrics(), vendor::getMetadata, out);
            PrometheusText.render("application", application.getMetrics(), application::getMetadata, out);
            network(out);
            out.append(dev.yoq.edge.ProxyMetrics.prometheus(edge.stats()));
            return Response.ok(out.toString(), PROMETHEUS).build();
        }
        if (mode == null) return Response.ok(containers(service), "application/json").build();
        return switch (mode) {
            case "pairs" -> Response.ok(pairs(), "application/json").build();
            case "storage_io", "gpu" -> ErrorBody.response(501, mode + " metrics come with the features that produce them", "not_implemented");
            default -> ErrorBody.response(400, "mode must be pairs, storage_io or gpu", "bad_request");
        };
    }

    @jakarta.ejb.EJB
    dev.yoq.service.NetworkMetrics network;
    @jakarta.ejb.EJB
    dev.yoq.edge.EdgeSync edge;

    private jakarta.json.JsonArray containers(String service) {
        var out = jakarta.json.Json.createArrayBuilder();
        for (var r : network.containers(service)) {
            var o = jakarta.json.Json.createObjectBuilder().add("container_id", r.container().getId());
            if (r.container().getName() != null) o.add("name", r.container().getName());
            if (r.service() != null) o.add("service", r.service());
            o.add("ip", r.container().getIpAddress()).add("rx_packets", r.rxPackets()).add("rx_bytes", r.rxBytes())
                    .add("tx_packets", r.txPackets()).add("tx_bytes", r.txBytes());
            if (r.connections() >= 0) o.add("connections", r.connections());
            else o.addNull("connections");
            out.add(o);
        }
        return out.build();
    }

    private jakarta.json.JsonArray pairs() {
        var out = jakarta.json.Json.createArrayBuilder();
        for (var p : network.pairs()) {
            out.add(jakarta.json.Json.createObjectBuilder().add("source", p.source()).add("target", p.target()).add("packets", p.packets())
                    .add("bytes", p.bytes()));
        }
        return out.build();
    }

    /** Appendix D's network counters, one series per running container and direction; nothing when the helper is silent. */
    private void network(StringBuilder out) {
        List<dev.yoq.service.NetworkMetrics.Row> rows;
        try {
            rows = network.containers(null);
        } catch (RuntimeException e) {   // the helper silent: the server's own metrics still answer
            return;
        }
        out.append("# HELP yoq_network_packets_total Packets through a container's network interface\n")
                .append("# TYPE yoq_network_packets_total counter\n");
        for (var r : rows) {
            out.append("yoq_network_packets_total{").append(labels(r)).append(",direction=\"rx\"} ").append(r.rxPackets()).append('\n');
            out.append("yoq_network_packets_total{").append(labels(r)).append(",direction=\"tx\"} ").append(r.txPackets()).append('\n');
        }
        out.append("# HELP yoq_network_bytes_total Bytes through a container's network interface\n")
                .append("# TYPE yoq_network_bytes_total counter\n");
        for (var r : rows) {
            out.append("yoq_network_bytes_total{").append(labels(r)).append(",direction=\"rx\"} ").append(r.rxBytes()).append('\n');
            out.append("yoq_network_bytes_total{").append(labels(r)).append(",direction=\"tx\"} ").append(r.txBytes()).append('\n');
        }
    }

    private static String labels(dev.yoq.service.NetworkMetrics.Row r) {
        String name = r.container().getName() == null ? r.container().getId() : r.container().getName();
        return "container=\"" + PrometheusText.escape(name) + "\",service=\"" + PrometheusText.escape(r.service() == null ? "" : r.service()) + "\"";
    }
}
