package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.yoq.manifest.ManifestException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq down|apps|history|rollback|rollout|run-worker} and {@code status --app} (spec §1.4) over the app routes. */
final class AppCommands {
    private AppCommands() {}

    /** The app a command means: the name given, else the manifest's app (its directory's name by default). */
    static String appName(String given, ManifestOptions manifest, Map<String, String> env) {
        if (given != null && !given.isEmpty()) return given;
        if (manifest != null && Files.isRegularFile(manifest.file)) {
            try {
                return manifest.load(env).manifest().appName();
            } catch (ManifestException e) {
                throw new CliException("cannot tell the app's name: " + e.getMessage() + " (give it with --app NAME)");
            }
        }
        return ManifestOptions.directoryAppName();
    }

    /** {@code --app [NAME]}: given without a name, the manifest's (this directory's) app. */
    static class AppOption {
        @Option(names = "--app", arity = "0..1", fallbackValue = "", paramLabel = "NAME", description = "the app (default: this directory's)")
        String app;
    }

    static String path(String app) {
        return URLEncoder.encode(app, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }

    /** APP RELEASE STATUS ROLLOUT CTRL TRIGGER WORKLOADS TARGETS TRAINING PREV OK MESSAGE (spec §1.4). */
    static void releaseTable(YoqCommand yoq, List<JsonNode> views) {
        String format = "%-16s%-14s%-18s%-13s%-18s%-10s%-10s%-9s%-9s%-14s%s%n";
        yoq.out.printf(format, "APP", "RELEASE", "STATUS", "ROLLOUT", "CTRL", "TRIGGER", "WORKLOADS", "TARGETS", "TRAINING", "PREV OK", "MESSAGE");
        for (JsonNode s : views) {
            JsonNode w = s.path("workloads");
            long workloads = w.path("services").asLong() + w.path("workers").asLong() + w.path("crons").asLong() + w.path("training_jobs").asLong();
            yoq.out.printf(format, text(s, "app_name"), text(s, "release_id"), text(s, "status"), text(s, "rollout_state"),
                    text(s, "rollout_control_state"), text(s, "trigger"), workloads,
                    s.path("completed_targets").asLong() + "/" + s.path("service_count").asLong(), s.path("active_training_jobs").asLong(),
                    text(s, "previous_successful_release_id"), text(s, "message"));
        }
    }

    @Command(name = "down", description = "Stop and remove the app's containers (releases and volume data stay).")
    static class Down implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;
        @Mixin
        ManifestOptions manifest;
        @Option(names = "--app", paramLabel = "NAME", description = "the app (default: the manifest's, i.e. this directory's name)")
        String app;

        @Override
        public Integer call() {
            String name = appName(app, manifest, yoq.options.env());
            JsonNode r = yoq.options.client().patient().post("/apps/" + path(name) + "/down", Map.of()).json();
            if (yoq.options.json()) yoq.out.println(r);
            else yoq.out.println("app " + name + ": " + r.path("removed").asInt() + " containers stopped and removed");
            return 0;
        }
    }

    @Command(name = "apps", description = "The newest release of every app.")
    static class Apps implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        static class Filter {
            @Option(names = "--status", paramLabel = "S", description = "release status or rollout state S") String status;
            @Option(names = "--failed", description = "failed, partially failed, blocked or degraded") boolean failed;
            @Option(names = "--in-progress", description = "pending, in progress, starting or rolling") boolean inProgress;
        }

        @ArgGroup(exclusive = true)
        Filter filter;

        @Override
        public Integer call() {
            List<JsonNode> views = new ArrayList<>();
            for (JsonNode s : yoq.options.client().get("/apps").json()) if (matches(s)) views.add(s);
            if (yoq.options.json()) {
                yoq.out.println(ApiClient.JSON.valueToTree(views));
            } else if (views.isEmpty()) {
                yoq.out.println("no apps");
            } else {
                releaseTable(yoq, views);
            }
            return 0;
        }

        boolean matches(JsonNode s) {
            if (filter == null) return true;
            String status = text(s, "status"), rollout = text(s, "rollout_state");
            if (filter.status != null) return filter.status.equals(status) || filter.status.equals(rollout);
            if (filter.failed) return List.of("failed", "partially_failed").contains(status) || List.of("blocked", "degraded").contains(rollout);
            return List.of("pending", "in_progress").contains(status) || List.of("pending", "starting", "rolling").contains(rollout);
        }
    }

    @Command(name = "history", description = "Every release of an app, newest first.")
    static class History implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;
        @Mixin
        ManifestOptions manifest;
        @Mixin
        AppOption appOption;

        @Override
        public Integer call() {
            if (appOption.app == null) throw new CliException("history needs --app [NAME] (per-service history is not kept)");
            JsonNode all = yoq.options.client().get("/apps/" + path(appName(appOption.app, manifest, yoq.options.env())) + "/history").json();
            if (yoq.options.json()) {
                yoq.out.println(all);
                return 0;
            }
            String format = "%-5s%-14s%-18s%-13s%-18s%-10s%-21s%-9s%s%n";
            yoq.out.printf(format, "MARK", "ID", "STATUS", "ROLLOUT", "CTRL", "TRIGGER", "HASH", "TARGETS", "MESSAGE");
            for (JsonNode h : all) {
                String mark = h.path("is_current").asBoolean() ? "*" : h.path("is_previous_successful").asBoolean() ? "ok" : "";
                String hash = text(h, "manifest_hash");
                yoq.out.printf(format, mark, text(h, "id"), text(h, "status"), text(h, "rollout_state"), text(h, "rollout_control_state"),
                        text(h, "trigger"), hash.length() > 19 ? hash.substring(0, 19) : hash,
                        h.path("completed_targets").asLong() + "/" + h.path("service_count").asLong(), text(h, "message"));
            }
            return 0;
        }
    }

    @Command(name = "rollback", description = "Apply an earlier release again (default: the previous successful one).")
    static class Rollback implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;
        @Mixin
        ManifestOptions manifest;
        @Mixin
        AppOption appOption;
        @Option(names = "--release", paramLabel = "ID", description = "the release to go back to")
        String release;
        @Option(names = "--print", description = "print the release's stored snapshot, change nothing")
        boolean print;
        @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "legacy per-service rollback (not supported)")
        String service;

        @Override
        public Integer call() {
            if (service != null) throw new CliException("per-service rollback is not kept; use: yoq rollback --app [NAME] [--release ID]");
            if (appOption.app == null) throw new CliException("rollback needs --app [NAME]");
            Map<String, Object> body = new LinkedHashMap<>();
            if (release != null) body.put("release_id", release);
            body.put("print", print);
            ApiClient.Reply r = yoq.options.client().patient().post("/apps/" + path(appName(appOption.app, manifest, yoq.options.env())) + "/rollback", body);
            if (print || yoq.options.json()) {
                yoq.out.println(r.body());
                return 0;
            }
            return UpCommand.summary(yoq, r.json());
        }
    }

    @Command(name = "rollout", description = "Pause, resume or cancel the app's active rollout.")
    static class Rollout implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;
        @Mixin
        ManifestOptions manifest;
        @Parameters(index = "0", paramLabel = "pause|resume|cancel")
        String action;
        @Mixin
        AppOption appOption;

        @Override
        public Integer call() {
            if (!List.of("pause", "resume", "cancel").contains(action)) throw new CliException("rollout: the action must be pause, resume or cancel, got " + action);
            if (appOption.app == null) throw new CliException("rollout needs --app [NAME]");
            JsonNode r = yoq.options.client().post("/apps/" + path(appName(appOption.app, manifest, yoq.options.env())) + "/rollout/" + action, Map.of()).json();
            if (yoq.options.json()) yoq.out.println(r);
            else yoq.out.println("release " + text(r, "release_id") + " of " + text(r, "app_name") + ": rollout " + text(r, "rollout_control_state"));
            return 0;
        }
    }

    @Command(name = "run-worker", description = "Run a worker of the app's current release once; waits for it and exits with its code.")
    static class RunWorker implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;
        @Mixin
        ManifestOptions manifest;
        @Option(names = "--app", paramLabel = "NAME", description = "the app (default: the manifest's)")
        String app;
        @Option(names = "--detach", description = "return once it started")
        boolean detach;
        @Parameters(index = "0", paramLabel = "NAME")
        String worker;

        @Override
        public Integer call() {
            String name = appName(app, manifest, yoq.options.env());
            ApiClient client = yoq.options.client().patient();
            JsonNode r = client.post("/apps/" + path(name) + "/workers/" + path(worker) + "/run", Map.of()).json();
            if (r.path("placed").asInt() == 0) {
                throw new CliException("worker " + worker + " could not start: " + text(r, "error"));
            }
            String id = text(r, "container_id");
            if (!r.hasNonNull("container_id") && r.hasNonNull("run_id")) return onAgent(client, name, r);
            if (detach) {
                yoq.out.println(yoq.options.json() ? r.toString() : "worker " + worker + " started (container " + id + ")");
                return 0;
            }
            JsonNode end;
            do {
                end = client.post("/containers/" + id + "/wait?timeout_ms=60000", null).json();
            } while ("running".equals(text(end, "status")));
            yoq.out.print(client.get("/containers/" + id + "/logs").json().path("logs").asText());
            int code = end.path("exit_code").isNumber() ? end.path("exit_code").asInt() : 1;
            if (yoq.options.json()) yoq.out.println(end);
            else yoq.err.println("worker " + worker + (code == 0 ? " succeeded" : " failed with exit code " + code));
            return code;
        }

        /**
         * A run on a cluster's agent: followed through the app's runs every second until it ended (its output stays in
         * its container on the agent's node, kept with the run's record).
         */
        private int onAgent(ApiClient client, String app, JsonNode started) {
            String runId = started.path("run_id").asText();
            if (detach) {
                yoq.out.println(yoq.options.json() ? started.toString() : "worker " + worker + " started (run " + runId + ", " + text(started, "message") + ")");
                return 0;
            }
            JsonNode run = null;
            while (run == null || "running".equals(text(run, "outcome"))) {
                if (run != null) sleepASecond();
                run = null;
                for (JsonNode x : client.get("/apps/" + path(app) + "/runs").json()) if (runId.equals(x.path("id").asText())) run = x;
                if (run == null) throw new CliException("worker " + worker + ": run " + runId + " is no longer on record");
            }
            boolean succeeded = "succeeded".equals(text(run, "outcome"));
            int code = succeeded ? 0 : run.path("exit_code").isNumber() && run.path("exit_code").asInt() != 0 ? run.path("exit_code").asInt() : 1;
            if (yoq.options.json()) yoq.out.println(run);
            else yoq.err.println("worker " + worker + (succeeded ? " succeeded" : " failed" + (run.path("exit_code").isNumber() ? " with exit code " + code : ""))
                    + " (run " + runId + " " + text(run, "message") + ")");
            return code;
        }

        private static void sleepASecond() {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
        }
    }
}
