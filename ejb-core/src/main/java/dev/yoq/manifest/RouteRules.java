package dev.yoq.manifest;

import java.util.HashSet;
import java.util.Set;

import dev.yoq.manifest.Manifest.Backend;
import dev.yoq.manifest.Manifest.HttpRoute;

/** Rules of one HTTP route (spec §3.9). */
final class RouteRules {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE");

    private final ManifestRules rules;
    private final String at;
    private final String owner;

    RouteRules(ManifestRules rules, String at, String owner) {
        this.rules = rules;
        this.at = at;
        this.owner = owner;
    }

    void check(HttpRoute r) {
        if (r.host() == null || r.host().isEmpty()) {
            error(".host", "required: the Host this route answers, e.g. host = \"app.example.com\"");
        }
        if (!r.pathPrefix().startsWith("/")) {
            error(".path_prefix", "must start with /, got '" + r.pathPrefix() + "'");
        }
        if (r.rewritePrefix() != null && !r.rewritePrefix().startsWith("/")) {
            error(".rewrite_prefix", "must start with /, got '" + r.rewritePrefix() + "'");
        }
        Set<String> methods = new HashSet<>();
        for (String m : r.matchMethods()) {
            if (!METHODS.contains(m)) {
                error(".match_methods", "'" + m + "' is not one of GET, HEAD, POST, PUT, DELETE");
            } else if (!methods.add(m)) {
                error(".match_methods", "'" + m + "' is listed twice");
            }
        }
        Set<String> headers = new HashSet<>();
        for (var h : r.matchHeaders()) {
            if (!h.key().matches("[A-Za-z0-9-]+")) {
                error(".match_headers", "'" + h.key() + "' is not a header name");
            } else if (!headers.add(h.key())) {
                error(".match_headers", "header '" + h.key() + "' is matched twice");
            }
        }
        backends(r);
        if (r.mirrorService() != null) {
            if (r.mirrorService().isEmpty() || r.mirrorService().equals(owner)
                    || r.backendServices().stream().anyMatch(b -> b.serviceName().equals(r.mirrorService()))) {
                error(".mirror_service", "must name another service, not '" + owner + "' or a backend");
            }
        }
        range(".retries", r.retries(), 0, 5);
        range(".connect_timeout_ms", r.connectTimeoutMs(), 1, ManifestRules.U32);
        range(".request_timeout_ms", r.requestTimeoutMs(), 1, ManifestRules.U32);
        range(".http2_idle_timeout_ms", r.http2IdleTimeoutMs(), 1, ManifestRules.U32);
        range(".circuit_breaker_threshold", r.circuitBreakerThreshold(), 1, 10);
        range(".circuit_breaker_timeout_ms", r.circuitBreakerTimeoutMs(), 1, ManifestRules.U32);
    }

    private void backends(HttpRoute r) {
        if (r.backendServices().isEmpty()) {
            error(".backend_services", "must list at least one service=weight");
            return;
        }
        Set<String> names = new HashSet<>();
        long sum = 0;
        for (Backend b : r.backendServices()) {
            if (!b.serviceName().matches("[A-Za-z0-9._-]+")) {
                error(".backend_services", "'" + b.serviceName() + "' is not a service name");
            }
            if (!names.add(b.serviceName())) {
                error(".backend_services", "'" + b.serviceName() + "' is listed twice");
            }
            if (b.weight() < 1 || b.weight() > 255) {
                error(".backend_services", "weight of '" + b.serviceName() + "' must be 1-255, got " + b.weight());
            }
            sum += b.weight();
        }
        if (sum != 100) {
            error(".backend_services", "weights must add up to 100, got " + sum);
        }
    }

    private void range(String key, long v, long min, long max) {
        if (v < min || v > max) {
            error(key, "must be " + min + "-" + max + ", got " + v);
        }
    }

    private void error(String key, String message) {
        rules.error("InvalidHttpProxyConfig", at + key, message);
    }
}
