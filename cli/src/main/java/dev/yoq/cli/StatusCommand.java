package dev.yoq.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code yoq status}: the server's state, from {@code GET /v1/status}. */
@Command(name = "status", description = "Per-service status (health, CPU, memory, uptime); --app: an app's release; --node: the node.")
public class StatusCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @picocli.CommandLine.Mixin
    AppCommands.AppOption appOption;

    @picocli.CommandLine.Mixin
    ManifestOptions manifest;

    @picocli.CommandLine.Parameters(arity = "0..1", hidden = true)
    String positional;

    @picocli.CommandLine.Option(names = "--node", description = "the server's node: identity, version, uptime, data directory, counts")
    boolean node;

    @Override
    public Integer call() {
        if (positional != null) throw new CliException("status takes an app name only with --app: yoq status --app " + positional);
        if (appOption.app != null) {
            ApiClient.Reply r = yoq.options.client().get("/apps/" + AppCommands.path(AppCommands.appName(appOption.app, manifest, yoq.options.env())) + "/status");
            if (yoq.options.json()) yoq.out.println(r.body());
            else AppCommands.releaseTable(yoq, java.util.List.of(r.json()));
            return 0;
        }
        if (!node) return services();
        ApiClient.Reply reply = yoq.options.client().get("/v1/node");
        if (yoq.options.json()) {
            yoq.out.println(reply.body());
            return 0;
        }
        JsonNode s = reply.json();
        row("node", text(s, "node_id") + " (" + text(s, "role") + ")");
        row("version", text(s, "version"));
        row("ready", s.path("ready").asBoolean() ? "yes" : "no");
        row("uptime", Durations.human(s.path("uptime_secs").asLong()));
        row("data dir", text(s, "data_dir"));
        row("schema version", text(s, "schema_version"));
        row("apps", text(s, "apps"));
        row("containers", text(s, "containers"));
        row("images", text(s, "images"));
        return 0;
    }

    /** SERVICE STATUS HEALTH CPU MEMORY CONTAINERS UPTIME (spec §1.4), from GET /v1/status. */
    private int services() {
        ApiClient.Reply reply = yoq.options.client().get("/v1/status");
        if (yoq.options.json()) {
            yoq.out.println(reply.body());
            return 0;
        }
        JsonNode rows = reply.json();
        if (rows.isEmpty()) {
            yoq.out.println("no services (deploy an app with yoq up; the node: yoq status --node)");
            return 0;
        }
        String format = "%-28s%-10s%-11s%-8s%-11s%-12s%s%n";
        yoq.out.printf(format, "SERVICE", "STATUS", "HEALTH", "CPU", "MEMORY", "CONTAINERS", "UPTIME");
        for (JsonNode r : rows) {
            StringBuilder alerts = new StringBuilder();
            for (JsonNode a : r.path("alerts")) if (a.path("firing").asBoolean()) alerts.append(" ALERT ").append(a.path("metric").asText());
            yoq.out.printf(format, text(r, "app") + "/" + text(r, "name"), text(r, "status"), text(r, "health"),
                    String.format(java.util.Locale.ROOT, "%.1f%%", r.path("cpu_pct").asDouble()),
                    String.format(java.util.Locale.ROOT, "%.1f MiB", r.path("memory_bytes").asLong() / 1048576.0),
                    r.path("running").asInt() + "/" + r.path("desired").asInt(),
                    Durations.human(r.path("uptime_secs").asLong()) + alerts);
        }
        return 0;
    }

    private void row(String name, String value) {
        yoq.out.printf("%-16s%s%n", name + ":", value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }
}
