package dev.yoq.manifest;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import dev.yoq.manifest.Manifest.HealthCheck;
import dev.yoq.manifest.Manifest.HttpRoute;
import dev.yoq.manifest.Manifest.Rollout;
import dev.yoq.manifest.Manifest.Service;
import dev.yoq.manifest.Manifest.Tls;

/** Rules of one {@code [service.<name>]}: ports, restart, health check, rollout, TLS/ACME, HTTP routes, resources. */
final class ServiceRules {
    /** Spec §6.6: a VIP balances over at most 64 backends. */
    static final int MAX_REPLICAS = 64;

    private final ManifestRules rules;
    private String path;

    ServiceRules(ManifestRules rules) {
        this.rules = rules;
    }

    void check(Service s) {
        path = "service." + s.name();
        for (var p : s.ports()) {
            if (!validPort(p.hostPort()) || !validPort(p.containerPort())) {
                rules.error("InvalidPortMapping", path + ".ports", "'" + p.hostPort() + ":" + p.containerPort()
                        + "': ports must be 1-65535");
            }
        }
        if (!List.of("none", "always", "on_failure").contains(s.restart())) {
            rules.error("InvalidRestartPolicy", path + ".restart", "must be none, always or on_failure, got '" + s.restart() + "'");
        }
        if (s.healthCheck() != null) {
            healthCheck(s.healthCheck());
        }
        rollout(s.rollout());
        if (s.tls() != null) {
            tls(s.tls());
        }
        routes(s);
        if (s.replicas() < 1 || s.replicas() > MAX_REPLICAS) {
            rules.error("InvalidResources", path + ".replicas", "must be 1-" + MAX_REPLICAS + " (a VIP balances over at most "
                    + MAX_REPLICAS + " backends), got " + s.replicas());
        }
        if (s.cpuLimit() < 1) {
            rules.error("InvalidResources", path + ".cpu", "must be at least 1 millicore, got " + s.cpuLimit());
        }
        if (s.memoryLimitMb() < 4) {
            rules.error("InvalidResources", path + ".memory_mb", "must be at least 4 MiB, got " + s.memoryLimitMb());
        }
        if (s.alerts() != null) {
            alerts(s.alerts());
        }
    }

    static boolean validPort(long port) {
        return port >= 1 && port <= 65535;
    }

    private void healthCheck(HealthCheck h) {
        String at = path + ".health_check";
        if (h.kind() == null || !List.of("http", "tcp", "grpc", "exec").contains(h.kind())) {
            rules.error("InvalidHealthCheck", at + ".type", "must be http, tcp, grpc or exec, got "
                    + (h.kind() == null ? "nothing" : "'" + h.kind() + "'"));
            return;
        }
        if (h.kind().equals("http") && (h.path() == null || h.path().isEmpty())) {
            rules.error("InvalidHealthCheck", at + ".path", "required for an http check, e.g. path = \"/health\"");
        }
        if (!h.kind().equals("exec")) {
            if (h.port() == null) {
                rules.error("InvalidHealthCheck", at + ".port", "required for a " + h.kind() + " check");
            } else if (!validPort(h.port())) {
                rules.error("InvalidHealthCheck", at + ".port", "must be 1-65535, got " + h.port());
            }
        } else if (h.command() == null || h.command().isEmpty()) {
            rules.error("InvalidHealthCheck", at + ".command", "required for an exec check: the command to run");
        }
        atLeast(at + ".interval", h.interval(), 1, "InvalidHealthCheck");
        atLeast(at + ".timeout", h.timeout(), 1, "InvalidHealthCheck");
        atLeast(at + ".retries", h.retries(), 1, "InvalidHealthCheck");
        atLeast(at + ".start_period", h.startPeriod(), 0, "InvalidHealthCheck");
    }

    private void rollout(Rollout r) {
        String at = path + ".rollout";
        if (!List.of("rolling", "canary", "blue_green").contains(r.strategy())) {
            rules.error("InvalidRolloutConfig", at + ".strategy", "must be rolling, canary or blue_green, got '" + r.strategy() + "'");
        }
        if (r.parallelism() < 1 || r.parallelism() > ManifestRules.U32) {
            rules.error("InvalidRolloutConfig", at + ".parallelism", "must be 1 or more, got " + r.parallelism());
        }
        if (!List.of("rollback", "pause").contains(r.failureAction())) {
            rules.error("InvalidRolloutConfig", at + ".failure_action", "must be rollback or pause, got '" + r.failureAction() + "'");
        }
        atLeast(at + ".delay_between_batches", r.delayBetweenBatches(), 0, "InvalidRolloutConfig");
        atLeast(at + ".health_check_timeout", r.healthCheckTimeout(), 0, "InvalidRolloutConfig");
    }

    private void tls(Tls t) {
        String at = path + ".tls";
        if (!List.of("off", "warn", "require").contains(t.peer())) {
            rules.error("InvalidTlsConfig", at + ".peer", "must be off, warn or require, got '" + t.peer() + "'");
        }
        if (t.acme() == null) {
            return;
        }
        if (t.domain().isEmpty()) {
            rules.error("InvalidTlsConfig", at + ".domain", "required when [" + at + ".acme] is present");
        }
        var acme = t.acme();
        if (acme.email() == null || acme.email().isEmpty()) {
            rules.error("InvalidTlsConfig", at + ".acme.email", "required: the ACME account email");
        }
        if (!List.of("http-01", "dns-01").contains(acme.challenge())) {
            rules.error("InvalidTlsConfig", at + ".acme.challenge", "must be http-01 or dns-01, got '" + acme.challenge() + "'");
        }
        if (acme.challenge().equals("dns-01") && acme.dns() == null) {
            rules.error("InvalidTlsConfig", at + ".acme.dns", "required for the dns-01 challenge");
        }
        if (!acme.challenge().equals("dns-01") && acme.dns() != null) {
            rules.error("InvalidTlsConfig", at + ".acme.dns", "only used with challenge = \"dns-01\"");
        }
        var dns = acme.dns();
        if (dns != null) {
            if (dns.provider() == null || !List.of("cloudflare", "route53", "gcloud", "exec").contains(dns.provider())) {
                rules.error("InvalidTlsConfig", at + ".acme.dns.provider", "must be cloudflare, route53, gcloud or exec, got "
                        + (dns.provider() == null ? "nothing" : "'" + dns.provider() + "'"));
            } else if (dns.provider().equals("exec") && dns.hook().isEmpty()) {
                rules.error("InvalidTlsConfig", at + ".acme.dns.hook", "required for the exec provider: the hook command");
            }
            between(at + ".acme.dns.propagation_timeout_secs", dns.propagationTimeoutSecs(), 1, ManifestRules.U32, "InvalidTlsConfig");
            between(at + ".acme.dns.poll_interval_secs", dns.pollIntervalSecs(), 1, ManifestRules.U32, "InvalidTlsConfig");
        }
    }

    private void routes(Service s) {
        Set<String> seen = new HashSet<>();
        for (HttpRoute r : s.httpRoutes()) {
            String at = path + (r.name().equals("default") && s.httpRoutes().size() == 1 ? ".http_proxy" : ".http_routes." + r.name());
            new RouteRules(rules, at, s.name()).check(r);
            String key = r.host() == null ? "" : r.host().toLowerCase(Locale.ROOT) + "|" + r.pathPrefix() + "|"
                    + new TreeSet<>(r.matchMethods()) + "|" + new TreeSet<>(r.matchHeaders().stream()
                    .map(h -> h.key() + "=" + h.value()).toList());
            if (r.host() != null && !seen.add(key)) {
                rules.error("InvalidHttpProxyConfig", at, "another route of '" + s.name()
                        + "' matches the same host, path_prefix, methods and headers");
            }
        }
    }

    private void alerts(Manifest.Alerts a) {
        String at = path + ".alerts";
        percent(at + ".cpu_percent", a.cpuPercent());
        percent(at + ".memory_percent", a.memoryPercent());
        percent(at + ".error_rate_percent", a.errorRatePercent());
        if (a.latencyP99Ms() != null && a.latencyP99Ms() <= 0) {
            rules.error("InvalidAlerts", at + ".latency_p99_ms", "must be more than 0, got " + a.latencyP99Ms());
        }
        if (a.restartCount() != null && a.restartCount() < 1) {
            rules.error("InvalidAlerts", at + ".restart_count", "must be 1 or more, got " + a.restartCount());
        }
        atLeast(at + ".consecutive", a.consecutive(), 1, "InvalidAlerts");
        if (a.webhook() != null && !a.webhook().matches("https?://\\S+")) {
            rules.error("InvalidAlerts", at + ".webhook", "must be an http:// or https:// URL, got '" + a.webhook() + "'");
        }
    }

    private void percent(String at, Double v) {
        if (v != null && (v <= 0 || v > 100)) {
            rules.error("InvalidAlerts", at, "must be more than 0 and at most 100, got " + v);
        }
    }

    void atLeast(String at, long v, long min, String kind) {
        if (v < min) {
            rules.error(kind, at, "must be " + min + " or more, got " + v);
        }
    }

    void between(String at, long v, long min, long max, String kind) {
        if (v < min || v > max) {
            rules.error(kind, at, "must be " + min + "-" + max + ", got " + v);
        }
    }
}
