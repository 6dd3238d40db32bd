package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestException;
import dev.yoq.manifest.ManifestLoader;
import dev.yoq.manifest.ManifestPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq up [-f PATH] [--dry-run] [service...]}: sends the manifest's snapshot to the server as a new release
 * ({@code POST /apps/apply}) and shows its rollout as it happens (targets polled from the app's status on a second
 * connection), then the release's summary. Relative host paths are made absolute from the manifest's directory.
 */
@Command(name = "up", description = "Deploy the app in manifest.toml as a new release and show its rollout.")
public class UpCommand implements Callable<Integer> {
    static final long POLL_MS = 250;

    @ParentCommand
    YoqCommand yoq;

    @Mixin
    ManifestOptions manifest;

    @Option(names = "--dry-run", description = "show the changes an apply would make, change nothing")
    boolean dryRun;

    @Option(names = "--dev", description = "stay in the foreground with every service's logs; restart a service when its bind-mounted sources change; ctrl-c takes the app down")
    boolean dev;

    @Option(names = "--skip-preflight", description = "accepted for compatibility (the server checks the host itself)")
    boolean skipPreflight;

    @Parameters(paramLabel = "SERVICE", description = "only these services (and what they depend on): a release of just those")
    List<String> only = new ArrayList<>();

    @Override
    public Integer call() {
        if (dryRun && dev) throw new CliException("--dry-run and --dev cannot be combined");
        ManifestLoader.Result result;
        try {
            result = manifest.loadChecked(yoq.options);
        } catch (ManifestException e) {
            e.problems().forEach(p -> yoq.err.println(ManifestOptions.line(p, manifest.display())));
            return 1;
        }
        result.warnings().forEach(w -> yoq.err.println(ManifestOptions.line(w, manifest.display())));
        Path base = manifest.file.toAbsolutePath().getParent();
        Manifest m = ManifestPaths.absolute(selected(result.manifest()), base);
        JsonNode snapshot;
        try {
            snapshot = ApiClient.JSON.readTree(AppSnapshot.json(m));
        } catch (java.io.IOException e) {
            throw new CliException("cannot encode the snapshot: " + e.getMessage(), e);
        }
        if (dryRun) return dryRun(snapshot);
        ProgressPrinter progress = new ProgressPrinter(m.appName());
        Thread poller = new Thread(progress::run, "rollout-progress");
        poller.setDaemon(true);
        poller.start();
        JsonNode r;
        try {
            r = yoq.options.client().patient().post("/apps/apply", snapshot).json();
        } finally {
            progress.stop();
            try {
                poller.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int outcome;
        if (yoq.options.json()) {
            yoq.out.println(r);
            outcome = "completed".equals(r.path("status").asText()) ? 0 : 1;
        } else {
            progress.show(r.path("release_id").asText(), r.path("rollout_targets"));
            outcome = summary(yoq, r);
        }
        if (!dev) return outcome;
        try {
            return new DevMode(yoq, m).run();
        } catch (java.io.IOException e) {
            throw new CliException("dev mode: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** {@code release <id> <status>: <message> (<placed> placed, <failed> failed, <n> services)}; 0 when completed. */
    static int summary(YoqCommand yoq, JsonNode r) {
        yoq.out.println("release " + r.path("release_id").asText() + " " + r.path("status").asText() + ": " + r.path("message").asText()
                + " (" + r.path("placed").asInt() + " placed, " + r.path("failed").asInt() + " failed, " + r.path("service_count").asInt()
                + " services)");
        return "completed".equals(r.path("status").asText()) ? 0 : 1;
    }

    private int dryRun(JsonNode snapshot) {
        JsonNode d = yoq.options.client().post("/apps/dry-run", snapshot).json();
        if (yoq.options.json()) {
            yoq.out.println(d);
            return 0;
        }
        JsonNode s = d.path("summary");
        yoq.out.println("dry run for app " + d.path("app_name").asText());
        yoq.out.println("current release: " + (d.path("current_release_id").isNull() ? "none"
                : d.path("current_release_id").asText() + " (" + d.path("current_manifest_hash").asText() + ")"));
        yoq.out.println("proposed manifest: " + d.path("proposed_manifest_hash").asText());
        yoq.out.println("changes: " + s.path("create").asInt() + " create, " + s.path("update").asInt() + " update, "
                + s.path("delete").asInt() + " delete, " + s.path("unchanged").asInt() + " unchanged");
        for (JsonNode c : d.path("changes")) {
            String mark = switch (c.path("change").asText()) {
                case "create" -> "+";
                case "update" -> "~";
                case "delete" -> "-";
                default -> "=";
            };
            yoq.out.println(mark + " " + c.path("kind").asText().replace("training_job", "training") + " " + c.path("name").asText());
        }
        return 0;
    }

    /** The named services plus their transitive service dependencies; all services (and the rest) when none are named. */
    private Manifest selected(Manifest m) {
        if (only.isEmpty()) return m;
        Set<String> names = new LinkedHashSet<>();
        m.services().forEach(s -> names.add(s.name()));
        Set<String> wanted = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(only);
        while (!queue.isEmpty()) {
            String name = queue.remove(0);
            if (!names.contains(name)) {
                throw new CliException("unknown service: " + name + " (services: " + String.join(", ", names) + ")");
            }
            if (wanted.add(name)) {
                m.services().stream().filter(s -> s.name().equals(name)).findFirst()
                        .ifPresent(s -> s.dependsOn().stream().filter(names::contains).forEach(queue::add));
            }
        }
        return new Manifest(m.appName(), m.services().stream().filter(s -> wanted.contains(s.name())).toList(), m.workers(), m.crons(),
                m.trainingJobs(), m.volumes(), m.backup());
    }

    /** Polls the app's status while the apply runs and prints each target's new state once. */
    private final class ProgressPrinter {
        private final String app;
        private final Map<String, String> shown = new HashMap<>();
        private volatile boolean stopped;
        private String before;

        ProgressPrinter(String app) {
            this.app = app;
        }

        void run() {
            ApiClient client = yoq.options.client();
            String path = "/apps/" + AppCommands.path(app) + "/status";
            try {
                ApiClient.Reply first = client.probeWithToken(path);
                before = first.status() == 200 ? first.json().path("release_id").asText() : "";
                while (!stopped) {
                    Thread.sleep(POLL_MS);
                    ApiClient.Reply r = client.probeWithToken(path);
                    if (r.status() != 200) continue;
                    JsonNode s = r.json();
                    if (!s.path("release_id").asText().equals(before)) show(s.path("release_id").asText(), s.path("rollout_targets"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // progress is a courtesy: the apply's answer tells the outcome
            }
        }

        synchronized void show(String release, JsonNode targets) {
            for (JsonNode t : targets) {
                String name = t.path("workload_name").asText(), state = t.path("state").asText();
                if (state.equals(shown.put(name, state))) continue;
                String reason = t.path("reason").isNull() || t.path("reason").isMissingNode() ? "" : " (" + t.path("reason").asText() + ")";
                yoq.err.println("  " + release + " " + t.path("workload_kind").asText() + " " + name + ": " + state + reason);
            }
        }

        void stop() {
            stopped = true;
        }
    }
}
