package dev.yoq.edge;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * yoq-proxy's counters as Prometheus text (Appendix D's {@code yoq_service_l7_proxy_*} families that the proxy
 * measures): whether it runs, its listeners, requests and responses overall and per route, owning service,
 * backend service and traffic role (primary or mirror), retries, upstream failures, loop rejections and circuit
 * trips. Pure: from the stats document the helper returns.
 */
public final class ProxyMetrics {
    private static final String P = "yoq_service_l7_proxy_";

    private ProxyMetrics() {}

    public static String prometheus(JsonNode stats) {
        StringBuilder out = new StringBuilder(4096);
        boolean running = stats.path("running").asBoolean(false);
        gauge(out, "enabled", "1 when the node runs yoq-proxy", running || !stats.path("error").asText("").contains("off") ? 1 : 0);
        gauge(out, "running", "1 when yoq-proxy answers its helper", running ? 1 : 0);
        if (!running) return out.toString();
        JsonNode status = stats.path("status");
        gauge(out, "routes", "Routes in the proxy's configuration", status.path("routes").asLong());
        header(out, "listener_running", "gauge", "1 when the listener is bound");
        header(out, "listener_port", "gauge", "The listener's port (0: off)");
        for (Iterator<Map.Entry<String, JsonNode>> it = status.path("listeners").fields(); it.hasNext(); ) {
            var l = it.next();
            out.append(P).append("listener_running{listener=\"").append(esc(l.getKey())).append("\"} ")
                    .append(l.getValue().path("running").asBoolean() ? 1 : 0).append('\n');
            out.append(P).append("listener_port{listener=\"").append(esc(l.getKey())).append("\"} ").append(l.getValue().path("port").asLong()).append('\n');
        }
        JsonNode listener = stats.path("listener");
        counter(out, "listener_accepted_connections_total", "Connections accepted", listener.path("accepted_connections").asLong());
        gauge(out, "listener_active_connections", "Connections open now", listener.path("active_connections").asLong());
        JsonNode all = stats.path("traffic");
        counter(out, "requests_total", "Requests routed", all.path("requests").asLong());
        header(out, "responses_total", "counter", "Responses by status class");
        for (Iterator<Map.Entry<String, JsonNode>> it = all.path("responses").fields(); it.hasNext(); ) {
            var c = it.next();
            out.append(P).append("responses_total{code_class=\"").append(esc(c.getKey())).append("\"} ").append(c.getValue().asLong()).append('\n');
        }
        counter(out, "retries_total", "Retries", all.path("retries").asLong());
        counter(out, "upstream_failures_total", "Upstream failures (connect, reset, timeout, invalid answer)", all.path("upstream_failures").asLong());
        counter(out, "loop_rejections_total", "Requests refused as a proxy loop", stats.path("loop_rejections").asLong());
        counter(out, "circuit_trips_total", "Endpoint circuits opened", stats.path("circuit_trips").asLong());
        gauge(out, "circuit_endpoints", "Endpoints whose circuit is open or half-open", status.path("circuits").size());
        routes(out, stats.path("routes"));
        return out.toString();
    }

    private static void routes(StringBuilder out, JsonNode routes) {
        header(out, "route_requests_total", "counter", "Requests per route, owning service, backend service and traffic role");
        header(out, "route_responses_total", "counter", "Responses per route, backend service, traffic role and status class");
        header(out, "route_retries_total", "counter", "Retries per route and backend service");
        header(out, "route_upstream_failures_total", "counter", "Upstream failures per route, backend service and traffic role");
        for (Iterator<Map.Entry<String, JsonNode>> it = routes.fields(); it.hasNext(); ) {
            var r = it.next();
            String key = r.getKey();
            int slash = key.indexOf('/');
            String service = slash < 0 ? key : key.substring(0, slash), route = slash < 0 ? "" : key.substring(slash + 1);
            series(out, route, service, r.getValue().path("backend_traffic"), "primary");
            series(out, route, service, r.getValue().path("mirror_backend_traffic"), "mirror");
        }
    }

    private static void series(StringBuilder out, String route, String service, JsonNode backends, String role) {
        for (Iterator<Map.Entry<String, JsonNode>> it = backends.fields(); it.hasNext(); ) {
            var b = it.next();
            String labels = "route=\"" + esc(route) + "\",service=\"" + esc(service) + "\",backend_service=\"" + esc(b.getKey())
                    + "\",traffic_role=\"" + role + "\"";
            JsonNode t = b.getValue();
            out.append(P).append("route_requests_total{").append(labels).append("} ").append(t.path("requests").asLong()).append('\n');
            for (Iterator<Map.Entry<String, JsonNode>> c = t.path("responses").fields(); c.hasNext(); ) {
                var cls = c.next();
                out.append(P).append("route_responses_total{").append(labels).append(",code_class=\"").append(esc(cls.getKey())).append("\"} ")
                        .append(cls.getValue().asLong()).append('\n');
            }
            out.append(P).append("route_retries_total{").append(labels).append("} ").append(t.path("retries").asLong()).append('\n');
            out.append(P).append("route_upstream_failures_total{").append(labels).append("} ").append(t.path("upstream_failures").asLong()).append('\n');
        }
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        header(out, name, "gauge", help);
        out.append(P).append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        header(out, name, "counter", help);
        out.append(P).append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(P).append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(P).append(name).append(' ').append(type).append('\n');
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
