package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.manifest.Manifest.Backup;
import dev.yoq.manifest.Manifest.Common;
import dev.yoq.manifest.Manifest.Cron;
import dev.yoq.manifest.Manifest.KeyValue;
import dev.yoq.manifest.Manifest.Mount;
import dev.yoq.manifest.Manifest.TrainingJob;
import dev.yoq.manifest.Manifest.VolumeDecl;
import dev.yoq.manifest.Manifest.Worker;

/**
 * Builds the {@link Manifest} model from a parsed TOML tree: types, formats (ports, mounts, durations,
 * key=value lists) and defaults. Value rules and cross-references are {@link ManifestRules}' job. Sections are
 * read in file order; the service parts live in {@link ServiceReader}.
 */
final class ManifestReader {

    private final List<Problem> problems;

    ManifestReader(List<Problem> problems) {
        this.problems = problems;
    }

    Manifest read(ObjectNode root, String defaultAppName) {
        Table top = new Table(root, "", problems);
        String app = top.string("app");
        ServiceReader services = new ServiceReader(this);
        List<Manifest.Service> serviceList = new ArrayList<>();
        each(top, "service").forEach((name, t) -> serviceList.add(services.read(name, t)));
        List<Worker> workers = new ArrayList<>();
        each(top, "worker").forEach((name, t) -> workers.add(worker(name, t)));
        List<Cron> crons = new ArrayList<>();
        each(top, "cron").forEach((name, t) -> crons.add(cron(name, t)));
        List<TrainingJob> training = new ArrayList<>();
        each(top, "training").forEach((name, t) -> training.add(training(name, t)));
        List<VolumeDecl> volumes = new ArrayList<>();
        each(top, "volume").forEach((name, t) -> volumes.add(volume(name, t)));
        Table backupTable = top.table("backup");
        Backup backup = backupTable == null ? null : backup(backupTable);
        top.reportUnknownKeys();
        return new Manifest(app == null || app.isBlank() ? defaultAppName : app, serviceList, workers, crons,
                training, volumes, backup);
    }

    private Map<String, Table> each(Table top, String section) {
        Table t = top.table(section);
        return t == null ? Map.of() : t.children();
    }

    Common common(Table t) {
        List<Mount> mounts = new ArrayList<>();
        for (String spec : t.stringsOrEmpty("volumes")) {
            Mount m = mount(spec);
            if (m == null) {
                t.error("InvalidVolumeMount", "volumes", "'" + spec + "' is not SOURCE:TARGET[:ro|:rw]");
            } else {
                mounts.add(m);
            }
        }
        Boolean userns = t.bool("userns");
        return new Common(t.string("image"), t.stringsOrEmpty("command"), t.stringsOrEmpty("env"), mounts,
                t.string("working_dir"), t.stringsOrEmpty("cap_add"), t.stringsOrEmpty("cap_drop"), Boolean.TRUE.equals(userns),
                t.stringsOrEmpty("secrets"), t.stringsOrEmpty("env_secrets"));
    }

    /** Split at the first ':'; an optional trailing :ro / :rw sets the mode (read-write by default). */
    static Mount mount(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0 || colon == spec.length() - 1) {
            return null;
        }
        String source = spec.substring(0, colon);
        String target = spec.substring(colon + 1);
        boolean readOnly = false;
        if (target.endsWith(":ro") || target.endsWith(":rw")) {
            readOnly = target.endsWith(":ro");
            target = target.substring(0, target.length() - 3);
        }
        if (target.isEmpty()) {
            return null;
        }
        boolean bind = source.startsWith("/") || source.startsWith("./") || source.startsWith("../");
        return new Mount(source, target, bind ? "bind" : "named", readOnly);
    }

    /** A duration key: absent → fallback; present but invalid → an error of {@code kind}. */
    long duration(Table t, String key, long fallback, String kind) {
        if (!t.has(key)) {
            return fallback;
        }
        String text = t.string(key);
        OptionalLong secs = DurationText.seconds(text);
        if (secs.isEmpty()) {
            t.error(kind, key, "must be a duration like 30s, 5m or 1h, got " + (text == null ? "a non-string" : "'" + text + "'"));
            return fallback;
        }
        return secs.getAsLong();
    }

    /** {@code key=value} entries whose '=' is neither first nor last. */
    List<KeyValue> keyValues(Table t, String key, String kind) {
        List<KeyValue> out = new ArrayList<>();
        for (String entry : t.stringsOrEmpty(key)) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                t.error(kind, key, "'" + entry + "' is not key=value");
            } else {
                out.add(new KeyValue(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip()));
            }
        }
        return out;
    }

    static long orDefault(Long value, long fallback) {
        return value == null ? fallback : value;
    }

    private Worker worker(String name, Table t) {
        Worker w = new Worker(name, common(t), t.stringsOrEmpty("depends_on"), ServiceReader.gpu(t),
                ServiceReader.gpuMesh(t), t.stringsOrEmpty("required_labels"));
        t.reportUnknownKeys();
        return w;
    }

    private Cron cron(String name, Table t) {
        long every = -1;
        if (!t.has("every")) {
            t.error("InvalidSchedule", "every", "required: how often to run, e.g. every = \"1h\"");
        } else {
            every = duration(t, "every", -1, "InvalidSchedule");
        }
        Cron c = new Cron(name, common(t), every);
        t.reportUnknownKeys();
        return c;
    }

    private TrainingJob training(String name, Table t) {
        Common common = common(t);
        Long gpus = t.integer("gpus");
        Table data = t.table("data");
        Table ckpt = t.table("checkpoint");
        Table res = t.table("resources");
        Table ft = t.table("fault_tolerance");
        Manifest.TrainingData trainingData = null;
        if (data != null) {
            trainingData = new Manifest.TrainingData(data.string("dataset"),
                    data.string("sharding") == null ? "file" : data.string("sharding"), data.string("preprocessing"));
            data.reportUnknownKeys();
        }
        Manifest.Checkpoint checkpoint = null;
        if (ckpt != null) {
            long interval = ckpt.has("interval") ? duration(ckpt, "interval", 1800, "InvalidTrainingConfig")
                    : orDefault(ckpt.integer("interval_secs"), 1800);
            checkpoint = new Manifest.Checkpoint(ckpt.string("path"), interval,
                    Math.max(1, orDefault(ckpt.integer("keep"), 5)));
            ckpt.reportUnknownKeys();
        }
        long cpu = res == null ? 1000 : Math.max(100, orDefault(res.integer("cpu"), 1000));
        long memory = res == null ? 65536 : Math.max(256, orDefault(res.integer("memory_mb"), 65536));
        boolean ib = res != null && Boolean.TRUE.equals(res.bool("ib_required"));
        long spare = ft == null ? 0 : Math.max(0, orDefault(ft.integer("spare_ranks"), 0));
        boolean autoRestart = ft == null || !Boolean.FALSE.equals(ft.bool("auto_restart"));
        long maxRestarts = ft == null ? 10 : Math.max(0, orDefault(ft.integer("max_restarts"), 10));
        for (Table sub : new Table[] {res, ft}) {
            if (sub != null) {
                sub.reportUnknownKeys();
            }
        }
        TrainingJob job = new TrainingJob(name, common, orDefault(gpus, 0), t.string("gpu_type"), cpu, memory, ib,
                spare, autoRestart, maxRestarts, trainingData, checkpoint);
        t.reportUnknownKeys();
        return job;
    }

    private VolumeDecl volume(String name, Table t) {
        String driver = t.string("type");
        if (driver == null) {
            driver = t.string("driver");
        }
        if (driver == null) {
            driver = "local";
        } else if (!List.of("local", "host", "nfs", "parallel").contains(driver)) {
            problems.add(Problem.warning(t.at("driver"), "unknown driver '" + driver + "', using local "
                    + "(drivers: local, host, nfs, parallel)"));
            driver = "local";
        }
        String path = t.string("path");
        if (path == null && driver.equals("parallel")) {
            path = t.string("mount_path");
        }
        VolumeDecl v = new VolumeDecl(name, driver, path, t.string("server"), t.string("options"));
        t.reportUnknownKeys();
        return v;
    }

    private Backup backup(Table t) {
        long every = -1;
        if (!t.has("every")) {
            t.error("InvalidSchedule", "every", "required: how often to back up, e.g. every = \"24h\"");
        } else {
            every = duration(t, "every", -1, "InvalidSchedule");
        }
        Boolean encrypt = t.bool("encrypt");
        Backup b = new Backup(every, t.string("output_dir"), encrypt == null || encrypt);
        t.reportUnknownKeys();
        return b;
    }
}
