package dev.yoq.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.model.ServiceRecord;
import dev.yoq.node.protocol.ServiceVip;
import dev.yoq.server.ServerSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * yoq-proxy's configuration, computed from the services (their routes and first port), the VIP table (who is ready
 * now), the certificates and the pending ACME answers. Pure. Routes are listed app by app, services in the order
 * they were first created, routes in definition order: "first defined" in the spec's tie-break means this order.
 * A backend named in {@code backend_services} or {@code mirror_service} is a service of the same app; upstreams are
 * the ready replicas' addresses on the container port of the service's first {@code ports} entry (none without
 * ports: such a route answers 503).
 */
public final class ProxyConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A certificate as the proxy needs it (with its key: this goes to the helper and the proxy only). */
    public record Cert(String domain, String certPem, String keyPem) {
        @Override
        public String toString() {
            return "Cert[" + domain + "]";
        }
    }

    private ProxyConfigs() {}

    public static ObjectNode build(List<ServiceRecord> services, List<ServiceVip> table, List<Cert> certs,
                                   Map<String, String> challenges, ServerSettings.Edge listeners) {
        return build(services, table, certs, challenges, listeners, null);
    }

    /**
     * With service mTLS: {@code peerCa} (the service CA's certificate, null before it exists) and each service's
     * {@code tls.peer}, by service and on the certificate of its TLS domain, for the proxy to ask and check.
     */
    public static ObjectNode build(List<ServiceRecord> services, List<ServiceVip> table, List<Cert> certs,
                                   Map<String, String> challenges, ServerSettings.Edge listeners, String peerCa) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("listeners").put("address", listeners.address()).put("http", listeners.httpPort())
                .put("https", listeners.httpsPort()).put("acme", listeners.acmePort()).put("tls12", listeners.tls12());
        Map<String, ServiceVip> ready = new LinkedHashMap<>();
        table.forEach(v -> ready.put(v.name(), v));
        ArrayNode routes = root.putArray("routes");
        ObjectNode upstreams = root.putObject("upstreams");
        List<ServiceRecord> ordered = new ArrayList<>(services);
        ordered.sort(java.util.Comparator.comparing(ServiceRecord::getAppName).thenComparingLong(ServiceRecord::getCreatedAt)
                .thenComparing(ServiceRecord::getName));
        for (ServiceRecord s : ordered) {
            int port = firstContainerPort(s);
            ServiceVip vip = ready.get(s.getName());
            ArrayNode addresses = upstreams.putArray(s.getName());
            if (port > 0 && vip != null) vip.backends().forEach(ip -> addresses.add(ip + ":" + port));
            for (JsonNode r : read(s.getHttpRoutesJson())) routes.add(route(s, r));
        }
        ObjectNode peers = root.putObject("peers");
        for (ServiceRecord s : ordered) if (!"off".equals(s.getTlsPeer())) peers.put(s.getName(), s.getTlsPeer());
        if (peerCa != null) root.put("peer_ca", peerCa);
        ArrayNode certificates = root.putArray("certificates");
        for (Cert c : certs) {
            certificates.addObject().put("domain", c.domain()).put("cert_pem", c.certPem()).put("key_pem", c.keyPem())
                    .put("peer", peerOfCertificate(c.domain(), ordered));
        }
        ObjectNode ch = root.putObject("challenges");
        new java.util.TreeMap<>(challenges).forEach(ch::put);
        return root;
    }

    /**
     * The strictest tls.peer of the services whose TLS domain the certificate covers (its domain, or one label under
     * a wildcard): the proxy asks clients on it for a certificate unless that is off.
     */
    static String peerOfCertificate(String certDomain, List<ServiceRecord> services) {
        String strictest = "off";
        for (ServiceRecord s : services) {
            String d = s.getTlsDomain();
            if (d == null || "off".equals(s.getTlsPeer())) continue;
            boolean covered = d.equalsIgnoreCase(certDomain) || (certDomain.startsWith("*.") && d.indexOf('.') > 0
                    && d.substring(d.indexOf('.')).equalsIgnoreCase(certDomain.substring(1)));
            if (covered && ("require".equals(s.getTlsPeer()) || "off".equals(strictest))) strictest = s.getTlsPeer();
        }
        return strictest;
    }

    /**
     * The cluster's services the edge can send to, as (unsaved) service records beside the node's own: a node's own
     * service of the same name keeps it. Their upstreams are the replicas the cluster's VIP table lists for them.
     */
    public static List<ServiceRecord> clusterServices(List<dev.yoq.cluster.work.ClusterRoutes.Route> routes, List<ServiceRecord> own) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        own.forEach(s -> taken.add(s.getName()));
        List<ServiceRecord> out = new ArrayList<>();
        for (dev.yoq.cluster.work.ClusterRoutes.Route r : routes) {
            if (!taken.add(r.name())) continue;
            ServiceRecord s = new ServiceRecord(r.name(), r.app(), r.workload(), "", 0);
            s.update("[{\"container_port\":" + r.port() + "}]", 1, 0);
            s.edge(r.httpRoutes(), null);
            out.add(s);
        }
        return out;
    }

    private static ObjectNode route(ServiceRecord s, JsonNode r) {
        ObjectNode o = JSON.createObjectNode().put("service", s.getName()).put("name", r.path("name").asText())
                .put("host", r.path("host").asText()).put("path_prefix", r.path("path_prefix").asText("/"));
        if (r.hasNonNull("rewrite_prefix")) o.put("rewrite_prefix", r.get("rewrite_prefix").asText());
        ArrayNode methods = o.putArray("methods");
        r.path("match_methods").forEach(m -> methods.add(m.path("method").asText()));
        ObjectNode headers = o.putObject("headers");
        r.path("match_headers").forEach(h -> headers.put(h.path("name").asText().toLowerCase(java.util.Locale.ROOT), h.path("value").asText()));
        ArrayNode backends = o.putArray("backends");
        r.path("backend_services").forEach(b -> backends.addObject()
                .put("service", sibling(s, b.path("service_name").asText())).put("weight", b.path("weight").asInt()));
        if (backends.isEmpty()) backends.addObject().put("service", s.getName()).put("weight", 100);
        if (r.hasNonNull("mirror_service")) o.put("mirror", sibling(s, r.get("mirror_service").asText()));
        for (String f : new String[] {"retries", "connect_timeout_ms", "request_timeout_ms", "http2_idle_timeout_ms",
                "circuit_breaker_threshold", "circuit_breaker_timeout_ms"}) {
            if (r.has(f)) o.put(f, r.get(f).asLong());
        }
        o.put("preserve_host", r.path("preserve_host").asBoolean(true));
        o.put("retry_on_5xx", r.path("retry_on_5xx").asBoolean(true));
        return o;
    }

    /** A service of the same app, by its manifest name: its registry name. */
    static String sibling(ServiceRecord owner, String service) {
        return owner.getAppName() + "-" + service;
    }

    static int firstContainerPort(ServiceRecord s) {
        JsonNode ports = read(s.getPortsJson());
        return ports.isArray() && ports.size() > 0 ? ports.get(0).path("container_port").asInt(ports.get(0).path("containerPort").asInt(0)) : 0;
    }

    private static JsonNode read(String json) {
        try {
            return json == null ? JSON.createArrayNode() : JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createArrayNode();
        }
    }
}
