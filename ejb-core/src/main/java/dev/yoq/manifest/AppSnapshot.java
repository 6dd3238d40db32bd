package dev.yoq.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.manifest.Manifest.Common;
import dev.yoq.manifest.Manifest.Gpu;
import dev.yoq.manifest.Manifest.GpuMesh;
import dev.yoq.manifest.Manifest.HttpRoute;
import dev.yoq.manifest.Manifest.KeyValue;
import dev.yoq.manifest.Manifest.Service;

/**
 * The canonical JSON form of a manifest (spec §3.18): every default filled in, keys in the spec's fixed order,
 * workloads sorted by name (so reordering tables or editing comments does not change it), compact. Its SHA-256 is
 * the release's manifest hash. {@link SnapshotReader} reads it back; snapshot → model → snapshot is byte-identical.
 * Beyond the original: {@code replicas}, {@code alerts}, {@code tls.peer}, mount {@code read_only}, and top-level
 * {@code volumes} and {@code backup}, so that a release holds the whole app.
 */
public final class AppSnapshot {

    static final ObjectMapper JSON = new ObjectMapper();

    private AppSnapshot() {
    }

    public static String json(Manifest m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("app_name", m.appName());
        array(root, "services", sorted(m.services(), Service::name), AppSnapshot::service);
        array(root, "workers", sorted(m.workers(), Manifest.Worker::name), w -> {
            ObjectNode o = workload(w.name(), w.common(), false);
            strings(o, "depends_on", w.dependsOn());
            o.set("volumes", mounts(w.common()));
            gpu(o, w.gpu(), w.gpuMesh());
            labels(o, w.requiredLabels());
            return o;
        });
        array(root, "crons", sorted(m.crons(), Manifest.Cron::name), c -> {
            ObjectNode o = workload(c.name(), c.common(), false);
            o.set("volumes", mounts(c.common()));
            o.put("every", c.every());
            return o;
        });
        array(root, "training_jobs", sorted(m.trainingJobs(), Manifest.TrainingJob::name), AppSnapshot::training);
        array(root, "volumes", sorted(m.volumes(), Manifest.VolumeDecl::name), v -> {
            ObjectNode o = JSON.createObjectNode().put("name", v.name()).put("driver", v.driver());
            optional(o, "path", v.path());
            optional(o, "server", v.server());
            optional(o, "options", v.options());
            return o;
        });
        if (m.backup() != null) {
            root.putObject("backup").put("every", m.backup().every()).put("output_dir", m.backup().outputDir())
                    .put("encrypt", m.backup().encrypt());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the snapshot", e);
        }
    }

    /** {@code sha256:} + 64 lowercase hex of the snapshot's UTF-8 bytes. */
    public static String hash(String snapshotJson) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(snapshotJson.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode service(Service s) {
        ObjectNode o = workload(s.name(), s.common(), true);
        ArrayNode ports = o.putArray("ports");
        s.ports().forEach(p -> ports.addObject().put("host_port", p.hostPort()).put("container_port", p.containerPort()));
        strings(o, "env", s.common().env());
        strings(o, "depends_on", s.dependsOn());
        o.put("cpu_limit", s.cpuLimit()).put("memory_limit_mb", s.memoryLimitMb()).put("replicas", s.replicas());
        optional(o, "working_dir", s.common().workingDir());
        o.set("volumes", mounts(s.common()));
        o.put("restart", s.restart());
        var r = s.rollout();
        o.putObject("rollout").put("strategy", r.strategy()).put("parallelism", r.parallelism())
                .put("delay_between_batches", r.delayBetweenBatches()).put("failure_action", r.failureAction())
                .put("health_check_timeout", r.healthCheckTimeout());
        if (s.healthCheck() != null) {
            var h = s.healthCheck();
            ObjectNode hc = o.putObject("health_check").put("kind", h.kind());
            optional(hc, "path", h.path());
            if (h.port() != null) {
                hc.put("port", h.port());
            }
            optional(hc, "service", h.service());
            if (h.command() != null) {
                strings(hc, "command", h.command());
            }
            hc.put("interval", h.interval()).put("timeout", h.timeout()).put("retries", h.retries())
                    .put("start_period", h.startPeriod());
        }
        if (s.tls() != null) {
            tls(o, s.tls());
        }
        array(o, "http_routes", s.httpRoutes(), AppSnapshot::route);
        gpu(o, s.gpu(), s.gpuMesh());
        labels(o, s.requiredLabels());
        if (s.alerts() != null) {
            var a = s.alerts();
            ObjectNode al = o.putObject("alerts");
            if (a.cpuPercent() != null) {
                al.put("cpu_percent", a.cpuPercent());
            }
            if (a.memoryPercent() != null) {
                al.put("memory_percent", a.memoryPercent());
            }
            if (a.restartCount() != null) {
                al.put("restart_count", a.restartCount());
            }
            if (a.latencyP99Ms() != null) {
                al.put("latency_p99_ms", a.latencyP99Ms());
            }
            if (a.errorRatePercent() != null) {
                al.put("error_rate_percent", a.errorRatePercent());
            }
            optional(al, "webhook", a.webhook());
            al.put("consecutive", a.consecutive());
        }
        return o;
    }

    private static void tls(ObjectNode o, Manifest.Tls t) {
        ObjectNode tls = o.putObject("tls").put("domain", t.domain()).put("peer", t.peer());
        if (t.acme() == null) {
            tls.putNull("acme");
            return;
        }
        var a = t.acme();
        ObjectNode acme = tls.putObject("acme").put("email", a.email()).put("directory_url", a.directoryUrl())
                .put("challenge", a.challenge());
        if (a.dns() != null) {
            var d = a.dns();
            ObjectNode dns = acme.putObject("dns").put("provider", d.provider());
            keyValues(dns, "secrets", d.secrets(), "key", "value");
            keyValues(dns, "config", d.config(), "key", "value");
            strings(dns, "hook", d.hook());
            dns.put("propagation_timeout_secs", d.propagationTimeoutSecs()).put("poll_interval_secs", d.pollIntervalSecs());
        }
    }

    /** A service's routes as the snapshot writes them (a JSON array, definition order): what the edge is given. */
    public static String routesJson(List<HttpRoute> routes) {
        ArrayNode a = JSON.createArrayNode();
        routes.forEach(r -> a.add(route(r)));
        return a.toString();
    }

    private static ObjectNode route(HttpRoute r) {
        ObjectNode o = JSON.createObjectNode().put("name", r.name()).put("host", r.host()).put("path_prefix", r.pathPrefix())
                .put("retries", r.retries()).put("connect_timeout_ms", r.connectTimeoutMs())
                .put("request_timeout_ms", r.requestTimeoutMs()).put("http2_idle_timeout_ms", r.http2IdleTimeoutMs())
                .put("preserve_host", r.preserveHost()).put("retry_on_5xx", r.retryOn5xx())
                .put("circuit_breaker_threshold", r.circuitBreakerThreshold())
                .put("circuit_breaker_timeout_ms", r.circuitBreakerTimeoutMs());
        optional(o, "rewrite_prefix", r.rewritePrefix());
        ArrayNode methods = o.putArray("match_methods");
        r.matchMethods().forEach(m -> methods.addObject().put("method", m));
        keyValues(o, "match_headers", r.matchHeaders(), "name", "value");
        ArrayNode backends = o.putArray("backend_services");
        r.backendServices().forEach(b -> backends.addObject().put("service_name", b.serviceName()).put("weight", b.weight()));
        optional(o, "mirror_service", r.mirrorService());
        return o;
    }

    private static ObjectNode training(Manifest.TrainingJob j) {
        ObjectNode o = workload(j.name(), j.common(), false);
        o.set("volumes", mounts(j.common()));
        o.put("gpus", j.gpus());
        optional(o, "gpu_type", j.gpuType());
        o.put("cpu_limit", j.cpuLimit()).put("memory_limit_mb", j.memoryLimitMb()).put("ib_required", j.ibRequired())
                .put("spare_ranks", j.spareRanks()).put("auto_restart", j.autoRestart()).put("max_restarts", j.maxRestarts());
        if (j.data() != null) {
            ObjectNode d = o.putObject("data").put("dataset", j.data().dataset()).put("sharding", j.data().sharding());
            optional(d, "preprocessing", j.data().preprocessing());
        }
        if (j.checkpoint() != null) {
            o.putObject("checkpoint").put("path", j.checkpoint().path()).put("interval_secs", j.checkpoint().intervalSecs())
                    .put("keep", j.checkpoint().keep());
        }
        return o;
    }

    /** name, image, command, and (for non-services, whose env comes next in the spec) env and working_dir. */
    private static ObjectNode workload(String name, Common c, boolean service) {
        ObjectNode o = JSON.createObjectNode().put("name", name).put("image", c.image());
        strings(o, "command", c.command());
        // written only when used: snapshots (and the config hashes that decide restarts) of older manifests stay the same
        if (!c.capAdd().isEmpty()) strings(o, "cap_add", c.capAdd());
        if (!c.capDrop().isEmpty()) strings(o, "cap_drop", c.capDrop());
        if (c.userns()) o.put("userns", true);
        if (!c.secrets().isEmpty()) strings(o, "secrets", c.secrets());          // names only: a value never enters a snapshot
        if (!c.envSecrets().isEmpty()) strings(o, "env_secrets", c.envSecrets());
        if (!service) {
            strings(o, "env", c.env());
            optional(o, "working_dir", c.workingDir());
        }
        return o;
    }

    private static ArrayNode mounts(Common c) {
        ArrayNode a = JSON.createArrayNode();
        c.volumes().forEach(v -> a.addObject().put("source", v.source()).put("target", v.target()).put("kind", v.kind())
                .put("read_only", v.readOnly()));
        return a;
    }

    private static void gpu(ObjectNode o, Gpu gpu, GpuMesh mesh) {
        if (gpu != null) {
            ObjectNode g = o.putObject("gpu").put("count", gpu.count());
            optional(g, "model", gpu.model());
            if (gpu.vramMinMb() != null) {
                g.put("vram_min_mb", gpu.vramMinMb());
            }
        }
        if (mesh != null) {
            o.putObject("gpu_mesh").put("world_size", mesh.worldSize()).put("gpus_per_rank", mesh.gpusPerRank())
                    .put("master_port", mesh.masterPort());
        }
    }

    private static void labels(ObjectNode o, List<String> labels) {
        if (!labels.isEmpty()) {
            strings(o, "required_labels", labels);
        }
    }

    private static void keyValues(ObjectNode o, String field, List<KeyValue> kvs, String k, String v) {
        ArrayNode a = o.putArray(field);
        kvs.forEach(kv -> a.addObject().put(k, kv.key()).put(v, kv.value()));
    }

    private static void strings(ObjectNode o, String field, List<String> values) {
        ArrayNode a = o.putArray(field);
        values.forEach(a::add);
    }

    private static void optional(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static <T> List<T> sorted(List<T> items, Function<T, String> name) {
        return items.stream().sorted(Comparator.comparing(name)).toList();
    }

    private static <T> void array(ObjectNode o, String field, List<T> items, Function<T, ObjectNode> write) {
        ArrayNode a = o.putArray(field);
        items.forEach(i -> a.add(write.apply(i)));
    }
}
