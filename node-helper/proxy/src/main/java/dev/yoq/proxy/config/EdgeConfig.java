package dev.yoq.proxy.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Everything the proxy serves, as the server computed it: listeners, routes in the order the spec's selection
 * breaks ties by, the upstream addresses of each service (its ready replicas on the container port of its first
 * port), certificates and pending ACME HTTP-01 answers. A new one replaces the old as a whole; requests in flight
 * finish on the one they started with.
 *
 * @param generation increases with every configuration the server computes (shown in stats; 0 before the first)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EdgeConfig(long generation, Listeners listeners, List<Route> routes, Map<String, List<String>> upstreams,
                         List<Certificate> certificates, Map<String, String> challenges, Limits limits,
                         @JsonProperty("peer_ca") String peerCa, Map<String, String> peers) {

    public EdgeConfig(long generation, Listeners listeners, List<Route> routes, Map<String, List<String>> upstreams,
                      List<Certificate> certificates, Map<String, String> challenges, Limits limits) {
        this(generation, listeners, routes, upstreams, certificates, challenges, limits, null, null);
    }

    public EdgeConfig {
        peers = peers == null ? Map.of() : Map.copyOf(peers);
        listeners = listeners == null ? Listeners.DEFAULT : listeners;
        routes = routes == null ? List.of() : List.copyOf(routes);
        upstreams = upstreams == null ? Map.of() : Map.copyOf(upstreams);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        challenges = challenges == null ? Map.of() : Map.copyOf(challenges);
        limits = limits == null ? Limits.DEFAULT : limits;
    }

    public static final EdgeConfig EMPTY = new EdgeConfig(0, null, null, null, null, null, null, null, null);

    /**
     * Ports (0 = that listener is off): {@code http} routes plain HTTP (the spec's 17080); {@code https} terminates
     * TLS with SNI; {@code acme} answers HTTP-01 tokens, redirects hosts that have a certificate to HTTPS and
     * routes the others. {@code tls12} lets TLS 1.2 clients in beside 1.3.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Listeners(String address, int http, int https, int acme, boolean tls12) {
        public static final Listeners DEFAULT = new Listeners("0.0.0.0", 17080, 0, 0, false);

        public Listeners {
            address = address == null || address.isBlank() ? "0.0.0.0" : address;
        }
    }

    /** One route as §3.9 defines it; {@code service} is the owning service's registry name. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Route(String service, String name, String host, @JsonProperty("path_prefix") String pathPrefix,
                        @JsonProperty("rewrite_prefix") String rewritePrefix, List<String> methods,
                        Map<String, String> headers, List<Backend> backends, String mirror, int retries,
                        @JsonProperty("connect_timeout_ms") long connectTimeoutMs,
                        @JsonProperty("request_timeout_ms") long requestTimeoutMs,
                        @JsonProperty("http2_idle_timeout_ms") long http2IdleTimeoutMs,
                        @JsonProperty("preserve_host") Boolean preserveHost,
                        @JsonProperty("retry_on_5xx") Boolean retryOn5xx,
                        @JsonProperty("circuit_breaker_threshold") int circuitBreakerThreshold,
                        @JsonProperty("circuit_breaker_timeout_ms") long circuitBreakerTimeoutMs) {
        public Route {
            pathPrefix = pathPrefix == null ? "/" : pathPrefix;
            methods = methods == null ? List.of() : List.copyOf(methods);
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            backends = backends == null || backends.isEmpty() ? List.of(new Backend(service, 100)) : List.copyOf(backends);
            connectTimeoutMs = connectTimeoutMs <= 0 ? 1000 : connectTimeoutMs;
            requestTimeoutMs = requestTimeoutMs <= 0 ? 5000 : requestTimeoutMs;
            http2IdleTimeoutMs = http2IdleTimeoutMs <= 0 ? 30000 : http2IdleTimeoutMs;
            circuitBreakerThreshold = circuitBreakerThreshold <= 0 ? 3 : circuitBreakerThreshold;
            circuitBreakerTimeoutMs = circuitBreakerTimeoutMs <= 0 ? 30000 : circuitBreakerTimeoutMs;
            preserveHost = preserveHost == null || preserveHost;   // the spec's defaults: both true
            retryOn5xx = retryOn5xx == null || retryOn5xx;
        }

        /** Routes are named per service; the pair names a route across the node. */
        public String key() {
            return service + "/" + name;
        }
    }

    /** A weighted backend: a service registry name and its share of 100. */
    public record Backend(String service, int weight) {
    }

    /**
     * The mTLS posture of a service's routes ({@code tls.peer}): {@code require} refuses a request without a client
     * certificate the service CA ({@code peer_ca}) signed, {@code warn} lets it through and counts it.
     */
    public String peer(String service) {
        return peers.getOrDefault(service, "off");
    }

    /**
     * A certificate chain and its key, PEM, for the domain SNI names; {@code peer} (off, warn, require) is the
     * posture of the service whose domain it is: warn and require ask the client for a certificate.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Certificate(String domain, @JsonProperty("cert_pem") String certPem, @JsonProperty("key_pem") String keyPem, String peer) {
        public Certificate(String domain, String certPem, String keyPem) {
            this(domain, certPem, keyPem, null);
        }

        public Certificate {
            peer = peer == null ? "off" : peer;
        }

        @Override
        public String toString() {
            return "Certificate[" + domain + "]";   // never the key, in any log
        }
    }

    /**
     * Bounds on what a client may make the proxy hold (§6.6 and ours). Every breach is an HTTP error or a clean
     * close.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Limits(@JsonProperty("max_connections") int maxConnections,
                         @JsonProperty("max_header_bytes") int maxHeaderBytes,
                         @JsonProperty("max_body_bytes") int maxBodyBytes,
                         @JsonProperty("max_h2_streams") int maxH2Streams,
                         @JsonProperty("max_h2_header_list_bytes") int maxH2HeaderListBytes,
                         @JsonProperty("request_read_timeout_ms") long requestReadTimeoutMs,
                         @JsonProperty("idle_timeout_ms") long idleTimeoutMs,
                         @JsonProperty("drain_ms") long drainMs) {
        public static final Limits DEFAULT = new Limits(0, 0, 0, 0, 0, 0, 0, 0);

        public Limits {
            maxConnections = maxConnections <= 0 ? 20_000 : maxConnections;
            maxHeaderBytes = maxHeaderBytes <= 0 ? 64 * 1024 : maxHeaderBytes;
            maxBodyBytes = maxBodyBytes <= 0 ? 8 * 1024 * 1024 : maxBodyBytes;
            maxH2Streams = maxH2Streams <= 0 ? 128 : maxH2Streams;
            maxH2HeaderListBytes = maxH2HeaderListBytes <= 0 ? 1024 * 1024 : maxH2HeaderListBytes;
            requestReadTimeoutMs = requestReadTimeoutMs <= 0 ? 10_000 : requestReadTimeoutMs;
            idleTimeoutMs = idleTimeoutMs <= 0 ? 60_000 : idleTimeoutMs;
            drainMs = drainMs <= 0 ? 5_000 : drainMs;
        }
    }
}
