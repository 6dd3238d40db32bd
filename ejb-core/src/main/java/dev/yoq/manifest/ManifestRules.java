package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.yoq.manifest.Manifest.Common;
import dev.yoq.manifest.Manifest.Mount;
import dev.yoq.manifest.Manifest.Service;

/**
 * The value rules of the manifest format (spec §3.4-3.17) applied to a model, whatever it was read from (TOML or
 * snapshot JSON): required fields, ranges, enums, references, and the semantic checks of {@code yoq validate}.
 * Every finding names its path; none stops the others from being found.
 */
public final class ManifestRules {

    static final long U32 = 4_294_967_295L;

    private final List<Problem> problems;

    private ManifestRules(List<Problem> problems) {
        this.problems = problems;
    }

    /** Adds every error and warning about {@code m} to {@code problems}. */
    public static void check(Manifest m, List<Problem> problems) {
        ManifestRules rules = new ManifestRules(problems);
        if (m.workloadCount() == 0) {
            problems.add(Problem.error("NoServices", "", "no [service.*], [worker.*], [cron.*] or [training.*] table: nothing to run"));
        }
        m.services().forEach(s -> {
            rules.common("service." + s.name(), s.common());
            new ServiceRules(rules).check(s);
        });
        m.workers().forEach(w -> rules.common("worker." + w.name(), w.common()));
        m.crons().forEach(c -> rules.common("cron." + c.name(), c.common()));
        m.trainingJobs().forEach(j -> {
            rules.common("training." + j.name(), j.common());
            TrainingRules.check(j, problems);
        });
        m.volumes().forEach(rules::volume);
        if (m.backup() != null && m.backup().outputDir() == null) {
            rules.error("InvalidVolumeConfig", "backup.output_dir", "required: where backups are written");
        }
        DependencyOrder.check(m, problems);
        rules.semantic(m);
        UnbuiltKeys.check(m, problems);
    }

    /** Services in start order: dependencies first, ties in declaration order. Call only on a valid manifest. */
    public static List<Service> startOrder(Manifest m) {
        return DependencyOrder.of(m);
    }

    void error(String kind, String path, String message) {
        problems.add(Problem.error(kind, path, message));
    }

    void warning(String path, String message) {
        problems.add(Problem.warning(path, message));
    }

    private void common(String path, Common c) {
        try {
            dev.yoq.node.protocol.Capabilities.of(c.capAdd(), c.capDrop());
        } catch (IllegalArgumentException e) {
            for (String part : e.getMessage().split("; ")) {
                error("InvalidCapability", path + "." + part.substring(0, part.indexOf(':')), part.substring(part.indexOf(':') + 2));
            }
        }
        if (c.image() == null) {
            error("MissingImage", path + ".image", "required: the image to run, e.g. image = \"nginx:1.27\"");
        }
        for (String e : c.env()) {
            int eq = e.indexOf('=');
            if (eq <= 0) {
                error("InvalidEnvVar", path + ".env", "'" + e + "' is not KEY=VALUE");
            }
        }
        secrets(path, c);
        for (Mount mount : c.volumes()) {
            if (!mount.target().startsWith("/")) {
                error("InvalidVolumeMount", path + ".volumes", "target '" + mount.target() + "' must be an absolute path");
            }
            if (mount.kind().equals("bind") && (mount.source().contains("/../") || mount.source().endsWith("/.."))
                    && mount.source().startsWith("/")) {
                error("InvalidVolumeMount", path + ".volumes", "source '" + mount.source() + "' must not contain '..'");
            }
        }
    }

    static final java.util.regex.Pattern SECRET_NAME = dev.yoq.node.protocol.SecretNames.SECRET;
    static final java.util.regex.Pattern ENV_NAME = dev.yoq.node.protocol.SecretNames.VARIABLE;

    /** {@code secrets = ["name"]} (files under /run/secrets) and {@code env_secrets = ["VAR=name"]}: names only, checked here. */
    private void secrets(String path, Common c) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String name : c.secrets()) {
            if (!SECRET_NAME.matcher(name).matches()) {
                error("InvalidSecret", path + ".secrets", "'" + name + "' is not a secret name (1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit)");
            } else if (!seen.add(name)) {
                error("InvalidSecret", path + ".secrets", "'" + name + "' is listed twice");
            }
        }
        java.util.Set<String> vars = new java.util.HashSet<>();
        for (String entry : c.envSecrets()) {
            int eq = entry.indexOf('=');
            String var = eq < 0 ? entry : entry.substring(0, eq);
            if (eq <= 0 || !ENV_NAME.matcher(var).matches() || !SECRET_NAME.matcher(entry.substring(eq + 1)).matches()) {
                error("InvalidSecret", path + ".env_secrets", "'" + entry + "' is not VAR=secret-name");
            } else if (var.equals("PATH")) {   // yoq-init's default PATH would come first and win
                error("InvalidSecret", path + ".env_secrets", "PATH cannot come from a secret: set it in env");
            } else if (!vars.add(var)) {
                error("InvalidSecret", path + ".env_secrets", "variable " + var + " is given twice");
            }
        }
    }

    private void volume(Manifest.VolumeDecl v) {
        String path = "volume." + v.name();
        switch (v.driver()) {
            case "host", "parallel" -> {
                if (v.path() == null || v.path().isEmpty()) {
                    error("InvalidVolumeConfig", path + ".path", "required for the " + v.driver() + " driver");
                }
            }
            case "nfs" -> {
                if (v.server() == null || v.server().isEmpty()) {
                    error("InvalidVolumeConfig", path + ".server", "required for the nfs driver");
                }
                if (v.path() == null || !v.path().startsWith("/")) {
                    error("InvalidVolumeConfig", path + ".path", "required for the nfs driver and must start with /");
                }
            }
            default -> {
                // local: a managed directory, nothing to check
            }
        }
    }

    private record Workload(String kind, String name, Common common) {
    }

    /** The checks of `yoq validate` beyond single fields (spec §3.17). */
    private void semantic(Manifest m) {
        Map<Integer, String> hostPorts = new HashMap<>();
        for (Service s : m.services()) {
            for (var p : s.ports()) {
                String other = hostPorts.putIfAbsent(p.hostPort(), s.name());
                if (other != null && !other.equals(s.name())) {
                    error("PortConflict", "service." + s.name() + ".ports",
                            "host port " + p.hostPort() + " is mapped by both '" + other + "' and '" + s.name() + "'");
                }
            }
            if (s.healthCheck() != null && s.healthCheck().timeout() >= s.healthCheck().interval()) {
                warning("service." + s.name() + ".health_check", "service '" + s.name() + "' health check timeout ("
                        + s.healthCheck().timeout() + "s) >= interval (" + s.healthCheck().interval() + "s)");
            }
        }
        Set<String> declared = new HashSet<>();
        m.volumes().forEach(v -> declared.add(v.name()));
        List<Workload> workloads = new ArrayList<>();
        m.services().forEach(s -> workloads.add(new Workload("service", s.name(), s.common())));
        m.workers().forEach(w -> workloads.add(new Workload("worker", w.name(), w.common())));
        m.crons().forEach(c -> workloads.add(new Workload("cron", c.name(), c.common())));
        m.trainingJobs().forEach(j -> workloads.add(new Workload("training", j.name(), j.common())));
        for (Workload w : workloads) {
            for (Mount mount : w.common().volumes()) {
                if (mount.kind().equals("named") && !declared.contains(mount.source())) {
                    warning(w.kind() + "." + w.name() + ".volumes", w.kind() + " '" + w.name() + "' uses volume '"
                            + mount.source() + "' which is not declared in [volume.*]; it will be created with the local driver");
                }
            }
        }
    }
}
