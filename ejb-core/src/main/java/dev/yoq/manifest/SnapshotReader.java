package dev.yoq.manifest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.manifest.Manifest.Common;
import dev.yoq.manifest.Manifest.KeyValue;
import dev.yoq.manifest.Manifest.Mount;

/**
 * Reads an app snapshot (the JSON {@link AppSnapshot} writes, and what {@code POST /apps/apply} receives) back into
 * a {@link Manifest}, strictly, then applies the same {@link ManifestRules} as a TOML manifest. The fields yoq adds
 * to the original's snapshot (replicas, read_only, tls.peer, alerts, volumes, backup) may be absent, so snapshots
 * from the original's CLI are accepted as they are.
 */
public final class SnapshotReader {

    private final List<Problem> problems = new ArrayList<>();

    private SnapshotReader() {
    }

    public static Manifest read(String json) {
        JsonNode root;
        try {
            root = AppSnapshot.JSON.readTree(json);
        } catch (IOException e) {
            throw new ManifestException("snapshot", List.of(Problem.error("InvalidSnapshot", "", "not JSON: "
                    + e.getMessage().lines().findFirst().orElse(""))));
        }
        if (root == null) {
            throw new ManifestException("snapshot", List.of(Problem.error("InvalidSnapshot", "", "empty")));
        }
        SnapshotReader reader = new SnapshotReader();
        JsonFields top = new JsonFields(root, "", reader.problems);
        Manifest m = reader.manifest(top);
        top.rejectUnknown();
        if (reader.problems.stream().noneMatch(Problem::isError)) {
            ManifestRules.check(m, reader.problems);
        }
        if (reader.problems.stream().anyMatch(Problem::isError)) {
            throw new ManifestException("snapshot", reader.problems);
        }
        return m;
    }

    private Manifest manifest(JsonFields top) {
        String app = top.string("app_name", true);
        var services = top.objects("services", (o, i) -> service(o));
        var workers = top.objects("workers", (o, i) -> new Manifest.Worker(o.string("name", true), common(o),
                o.strings("depends_on", true), gpu(o), gpuMesh(o), labels(o)));
        var crons = top.objects("crons", (o, i) -> new Manifest.Cron(o.string("name", true), common(o),
                o.integer("every", 0)));
        var training = top.objects("training_jobs", (o, i) -> training(o));
        var volumes = top.has("volumes") ? top.objects("volumes", (o, i) -> new Manifest.VolumeDecl(
                o.string("name", true), o.string("driver", true), o.string("path", false), o.string("server", false),
                o.string("options", false))) : List.<Manifest.VolumeDecl>of();
        JsonFields b = top.object("backup", false);
        Manifest.Backup backup = null;
        if (b != null) {
            backup = new Manifest.Backup(b.integer("every", 0), b.string("output_dir", true), b.bool("encrypt"));
            b.rejectUnknown();
        }
        return new Manifest(app, services, workers, crons, training, volumes, backup);
    }

    private Common common(JsonFields o) {
        List<Mount> mounts = o.objects("volumes", (m, i) -> new Mount(m.string("source", true), m.string("target", true),
                m.string("kind", true), m.boolOr("read_only", false)));
        return new Common(o.string("image", true), o.strings("command", true),
                o.strings("env", true), mounts, o.string("working_dir", false), o.strings("cap_add", false),
                o.strings("cap_drop", false), o.boolOr("userns", false), o.strings("secrets", false), o.strings("env_secrets", false));
    }

    private Manifest.Service service(JsonFields o) {
        var ports = o.objects("ports", (p, i) -> new Manifest.PortMapping((int) p.integer("host_port", 0),
                (int) p.integer("container_port", 0)));
        Common common = common(o);
        var deps = o.strings("depends_on", true);
        int cpu = (int) o.integer("cpu_limit", 1000);
        int memory = (int) o.integer("memory_limit_mb", 256);
        int replicas = (int) o.integerOr("replicas", 1);
        String restart = o.string("restart", true);
        JsonFields r = o.object("rollout", true);
        Manifest.Rollout rollout = Manifest.Rollout.DEFAULT;
        if (r != null) {
            rollout = new Manifest.Rollout(r.string("strategy", true), r.integer("parallelism", 1),
                    r.integer("delay_between_batches", 0), r.string("failure_action", true),
                    r.integer("health_check_timeout", 0));
            r.rejectUnknown();
        }
        Manifest.HealthCheck health = null;
        JsonFields h = o.object("health_check", false);
        if (h != null) {
            Long port = h.optionalInteger("port");
            health = new Manifest.HealthCheck(h.string("kind", true), h.string("path", false),
                    port == null ? null : port.intValue(), h.string("service", false), h.strings("command", false),
                    h.integer("interval", 10), h.integer("timeout", 5), h.integer("retries", 3), h.integer("start_period", 0));
            h.rejectUnknown();
        }
        Manifest.Tls tls = tls(o.object("tls", false));
        var routes = o.objects("http_routes", (x, i) -> route(x));
        Manifest.Alerts alerts = null;
        JsonFields a = o.object("alerts", false);
        if (a != null) {
            alerts = new Manifest.Alerts(a.optionalNumber("cpu_percent"), a.optionalNumber("memory_percent"),
                    a.optionalInteger("restart_count"), a.optionalNumber("latency_p99_ms"),
                    a.optionalNumber("error_rate_percent"), a.string("webhook", false), a.integer("consecutive", 3));
            a.rejectUnknown();
        }
        return new Manifest.Service(o.string("name", true), common, ports, deps, restart, health, rollout, tls, routes,
                gpu(o), gpuMesh(o), replicas, cpu, memory, labels(o), alerts);
    }

    private Manifest.Tls tls(JsonFields t) {
        if (t == null) {
            return null;
        }
        Manifest.Acme acme = null;
        JsonFields a = t.object("acme", false);
        if (a != null) {
            Manifest.AcmeDns dns = null;
            JsonFields d = a.object("dns", false);
            if (d != null) {
                dns = new Manifest.AcmeDns(d.string("provider", true), pairs(d, "secrets", "key"), pairs(d, "config", "key"),
                        d.strings("hook", true), d.integer("propagation_timeout_secs", 300), d.integer("poll_interval_secs", 5));
                d.rejectUnknown();
            }
            acme = new Manifest.Acme(a.string("email", true), a.string("directory_url", true), a.string("challenge", true), dns);
            a.rejectUnknown();
        }
        String peer = t.string("peer", false);
        Manifest.Tls tls = new Manifest.Tls(t.string("domain", true), peer == null ? "off" : peer, acme);
        t.rejectUnknown();
        return tls;
    }

    private Manifest.HttpRoute route(JsonFields r) {
        List<String> methods = r.objects("match_methods", (m, i) -> m.string("method", true));
        var backends = r.objects("backend_services", (b, i) -> new Manifest.Backend(b.string("service_name", true),
                b.integer("weight", 0)));
        return new Manifest.HttpRoute(r.string("name", true), r.string("host", true), r.string("path_prefix", true),
                r.string("rewrite_prefix", false), methods, pairs(r, "match_headers", "name"), backends,
                r.string("mirror_service", false), r.integer("retries", 0), r.integer("connect_timeout_ms", 1000),
                r.integer("request_timeout_ms", 5000), r.integer("http2_idle_timeout_ms", 30000), r.bool("preserve_host"),
                r.bool("retry_on_5xx"), r.integer("circuit_breaker_threshold", 3), r.integer("circuit_breaker_timeout_ms", 30000));
    }

    private Manifest.TrainingJob training(JsonFields o) {
        Common common = common(o);
        Manifest.TrainingData data = null;
        JsonFields d = o.object("data", false);
        if (d != null) {
            data = new Manifest.TrainingData(d.string("dataset", true), d.string("sharding", true), d.string("preprocessing", false));
            d.rejectUnknown();
        }
        Manifest.Checkpoint checkpoint = null;
        JsonFields c = o.object("checkpoint", false);
        if (c != null) {
            checkpoint = new Manifest.Checkpoint(c.string("path", true), c.integer("interval_secs", 1800), c.integer("keep", 5));
            c.rejectUnknown();
        }
        return new Manifest.TrainingJob(o.string("name", true), common, o.integer("gpus", 0), o.string("gpu_type", false),
                o.integer("cpu_limit", 1000), o.integer("memory_limit_mb", 65536), o.bool("ib_required"),
                o.integer("spare_ranks", 0), o.bool("auto_restart"), o.integer("max_restarts", 10), data, checkpoint);
    }

    private static List<KeyValue> pairs(JsonFields o, String field, String keyName) {
        return o.objects(field, (kv, i) -> new KeyValue(kv.string(keyName, true), kv.string("value", true)));
    }

    private static Manifest.Gpu gpu(JsonFields o) {
        JsonFields g = o.object("gpu", false);
        if (g == null) {
            return null;
        }
        Manifest.Gpu gpu = new Manifest.Gpu(g.integer("count", 1), g.string("model", false), g.optionalInteger("vram_min_mb"));
        g.rejectUnknown();
        return gpu;
    }

    private static Manifest.GpuMesh gpuMesh(JsonFields o) {
        JsonFields g = o.object("gpu_mesh", false);
        if (g == null) {
            return null;
        }
        Manifest.GpuMesh mesh = new Manifest.GpuMesh(g.integer("world_size", 1), g.integer("gpus_per_rank", 1),
                g.integer("master_port", 29500));
        g.rejectUnknown();
        return mesh;
    }

    private static List<String> labels(JsonFields o) {
        List<String> labels = o.strings("required_labels", false);
        return labels == null ? List.of() : labels;
    }
}
