package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.yoq.manifest.Manifest.Acme;
import dev.yoq.manifest.Manifest.AcmeDns;
import dev.yoq.manifest.Manifest.Alerts;
import dev.yoq.manifest.Manifest.Backend;
import dev.yoq.manifest.Manifest.Gpu;
import dev.yoq.manifest.Manifest.GpuMesh;
import dev.yoq.manifest.Manifest.HealthCheck;
import dev.yoq.manifest.Manifest.HttpRoute;
import dev.yoq.manifest.Manifest.PortMapping;
import dev.yoq.manifest.Manifest.Rollout;
import dev.yoq.manifest.Manifest.Service;
import dev.yoq.manifest.Manifest.Tls;

/** Reads {@code [service.<name>]} and its sub-tables (spec §3.5-3.9) into the model, with the spec's defaults. */
final class ServiceReader {

    static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
    static final String LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

    private final ManifestReader reader;

    ServiceReader(ManifestReader reader) {
        this.reader = reader;
    }

    Service read(String name, Table t) {
        List<PortMapping> ports = new ArrayList<>();
        for (String spec : t.stringsOrEmpty("ports")) {
            PortMapping p = port(spec);
            if (p == null) {
                t.error("InvalidPortMapping", "ports", "'" + spec + "' is not HOST:CONTAINER with two port numbers");
            } else {
                ports.add(p);
            }
        }
        String restart = t.string("restart");
        Service s = new Service(name, reader.common(t), ports, t.stringsOrEmpty("depends_on"),
                restart == null ? "none" : restart, healthCheck(t.table("health_check")), rollout(t.table("rollout")),
                tls(t.table("tls")), routes(name, t), gpu(t), gpuMesh(t),
                (int) Math.min(Integer.MAX_VALUE, ManifestReader.orDefault(t.integer("replicas"), 1)),
                cpu(t), memory(t), t.stringsOrEmpty("required_labels"), alerts(t.table("alerts")));
        t.reportUnknownKeys();
        return s;
    }

    /** {@code HOST:CONTAINER}, both decimal numbers (their range is a rule, checked later). */
    static PortMapping port(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon != spec.lastIndexOf(':') || colon == spec.length() - 1) {
            return null;
        }
        String host = spec.substring(0, colon);
        String container = spec.substring(colon + 1);
        if (!host.matches("\\d{1,6}") || !container.matches("\\d{1,6}")) {
            return null;
        }
        return new PortMapping(Integer.parseInt(host), Integer.parseInt(container));
    }

    private HealthCheck healthCheck(Table t) {
        if (t == null) {
            return null;
        }
        Long port = t.integer("port");
        HealthCheck h = new HealthCheck(t.string("type"), t.string("path"),
                port == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, port)),
                t.string("service"), t.strings("command"), ManifestReader.orDefault(t.integer("interval"), 10),
                ManifestReader.orDefault(t.integer("timeout"), 5), ManifestReader.orDefault(t.integer("retries"), 3),
                ManifestReader.orDefault(t.integer("start_period"), 0));
        t.reportUnknownKeys();
        return h;
    }

    private Rollout rollout(Table t) {
        if (t == null) {
            return Rollout.DEFAULT;
        }
        String strategy = t.string("strategy");
        String action = t.string("failure_action");
        Rollout r = new Rollout(strategy == null ? "rolling" : strategy,
                ManifestReader.orDefault(t.integer("parallelism"), 1),
                reader.duration(t, "delay_between_batches", 0, "InvalidRolloutConfig"),
                action == null ? "rollback" : action,
                reader.duration(t, "health_check_timeout", 0, "InvalidRolloutConfig"));
        t.reportUnknownKeys();
        return r;
    }

    private Tls tls(Table t) {
        if (t == null) {
            return null;
        }
        Table acmeTable = t.table("acme");
        Acme acme = null;
        if (acmeTable != null) {
            Table dnsTable = acmeTable.table("dns");
            AcmeDns dns = null;
            if (dnsTable != null) {
                dns = new AcmeDns(dnsTable.string("provider"),
                        reader.keyValues(dnsTable, "secrets", "InvalidTlsConfig"),
                        reader.keyValues(dnsTable, "config", "InvalidTlsConfig"), dnsTable.stringsOrEmpty("hook"),
                        ManifestReader.orDefault(dnsTable.integer("propagation_timeout_secs"), 300),
                        ManifestReader.orDefault(dnsTable.integer("poll_interval_secs"), 5));
                dnsTable.reportUnknownKeys();
            }
            boolean staging = acmeTable.has("staging") && Boolean.TRUE.equals(acmeTable.bool("staging"));
            String directory = acmeTable.string("directory_url");
            if (acmeTable.has("staging") && directory != null) {
                acmeTable.error("InvalidTlsConfig", "directory_url", "set either staging or directory_url, not both");
            }
            String challenge = acmeTable.string("challenge");
            acme = new Acme(acmeTable.string("email"),
                    directory != null ? directory : staging ? LETS_ENCRYPT_STAGING : LETS_ENCRYPT,
                    challenge == null ? "http-01" : challenge, dns);
            acmeTable.reportUnknownKeys();
        }
        String domain = t.string("domain");
        String peer = t.string("peer");
        Tls tls = new Tls(domain == null ? "" : domain, peer == null ? "off" : peer, acme);
        t.reportUnknownKeys();
        return tls;
    }

    private List<HttpRoute> routes(String owner, Table service) {
        Table proxy = service.table("http_proxy");
        Table routes = service.table("http_routes");
        if (proxy != null && routes != null) {
            service.error("InvalidHttpProxyConfig", "http_routes", "use http_proxy (one route) or http_routes, not both");
        }
        List<HttpRoute> out = new ArrayList<>();
        if (proxy != null) {
            out.add(route("default", owner, proxy));
        } else if (routes != null) {
            Map<String, Table> named = routes.children("InvalidHttpProxyConfig");
            if (named.isEmpty()) {
                service.error("InvalidHttpProxyConfig", "http_routes", "needs at least one [" + routes.path() + ".<name>] table");
            }
            named.forEach((name, t) -> out.add(route(name, owner, t)));
        }
        return out;
    }

    private HttpRoute route(String name, String owner, Table t) {
        List<Backend> backends = new ArrayList<>();
        if (!t.has("backend_services")) {
            backends.add(new Backend(owner, 100));
        } else {
            for (var kv : reader.keyValues(t, "backend_services", "InvalidHttpProxyConfig")) {
                if (!kv.value().matches("\\d{1,4}")) {
                    t.error("InvalidHttpProxyConfig", "backend_services", "weight of '" + kv.key() + "' must be 1-255, got '" + kv.value() + "'");
                } else {
                    backends.add(new Backend(kv.key(), Long.parseLong(kv.value())));
                }
            }
        }
        List<String> methods = new ArrayList<>();
        t.stringsOrEmpty("match_methods").forEach(m -> methods.add(m.strip()));
        List<Manifest.KeyValue> headers = new ArrayList<>();
        reader.keyValues(t, "match_headers", "InvalidHttpProxyConfig")
                .forEach(kv -> headers.add(new Manifest.KeyValue(kv.key().toLowerCase(Locale.ROOT), kv.value())));
        String prefix = t.string("path_prefix");
        Boolean preserveHost = t.bool("preserve_host");
        Boolean retryOn5xx = t.bool("retry_on_5xx");
        HttpRoute r = new HttpRoute(name, t.string("host"), prefix == null ? "/" : prefix, t.string("rewrite_prefix"),
                methods, headers, backends, t.string("mirror_service"), ManifestReader.orDefault(t.integer("retries"), 0),
                ManifestReader.orDefault(t.integer("connect_timeout_ms"), 1000),
                ManifestReader.orDefault(t.integer("request_timeout_ms"), 5000),
                ManifestReader.orDefault(t.integer("http2_idle_timeout_ms"), 30000),
                preserveHost == null || preserveHost, retryOn5xx == null || retryOn5xx,
                ManifestReader.orDefault(t.integer("circuit_breaker_threshold"), 3),
                ManifestReader.orDefault(t.integer("circuit_breaker_timeout_ms"), 30000));
        t.reportUnknownKeys();
        return r;
    }

    /** {@code [gpu]}: ignored unless count ≥ 1, as in the original. */
    static Gpu gpu(Table workload) {
        Table t = workload.table("gpu");
        if (t == null) {
            return null;
        }
        Long count = t.integer("count");
        Long vram = t.integer("vram_min_mb");
        String model = t.string("model");
        t.reportUnknownKeys();
        return count == null || count < 1 ? null : new Gpu(count, model, vram == null ? null : Math.max(0, vram));
    }

    /** {@code [gpu_mesh]}: ignored unless world_size ≥ 1; gpus_per_rank ≥ 1; master_port clamped to 1-65535. */
    static GpuMesh gpuMesh(Table workload) {
        Table t = workload.table("gpu_mesh");
        if (t == null) {
            return null;
        }
        Long world = t.integer("world_size");
        long perRank = Math.max(1, ManifestReader.orDefault(t.integer("gpus_per_rank"), 1));
        long port = Math.max(1, Math.min(65535, ManifestReader.orDefault(t.integer("master_port"), 29500)));
        t.reportUnknownKeys();
        return world == null || world < 1 ? null : new GpuMesh(world, perRank, port);
    }

    /** {@code cpu}: integer millicores, or a float number of cores (0.5 → 500). Default 1000. */
    private static int cpu(Table t) {
        if (!t.has("cpu")) {
            return 1000;
        }
        Long millis = t.isIntegral("cpu") ? t.integer("cpu") : null;
        if (millis == null) {
            Double cores = t.number("cpu");
            millis = cores == null ? 1000 : Math.round(cores * 1000);
        }
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, millis));
    }

    /** {@code memory_mb} (integer MiB) or {@code memory} ("512m", "2g", or an integer of MiB). Default 256. */
    private static int memory(Table t) {
        Long mb = t.integer("memory_mb");
        if (mb == null && t.has("memory")) {
            String text = t.string("memory");
            mb = text == null ? null : Sizes.mebibytes(text);
            if (text != null && mb == null) {
                t.error("InvalidResources", "memory", "must be a size like 512m or 2g, got '" + text + "'");
            }
        }
        return mb == null ? 256 : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, mb));
    }

    private static Alerts alerts(Table t) {
        if (t == null) {
            return null;
        }
        Alerts a = new Alerts(t.number("cpu_percent"), t.number("memory_percent"), t.integer("restart_count"),
                t.number("latency_p99_ms"), t.number("error_rate_percent"), t.string("webhook"),
                ManifestReader.orDefault(t.integer("consecutive"), 3));
        t.reportUnknownKeys();
        return a;
    }
}
