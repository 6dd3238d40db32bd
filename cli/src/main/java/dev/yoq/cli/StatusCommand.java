package dev.yoq.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code yoq status}: the server's state, from {@code GET /v1/status}. */
@Command(name = "status", description = "Show the state of the yoq server (node, version, uptime, counts).")
public class StatusCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @Override
    public Integer call() {
        ApiClient.Reply reply = yoq.options.client().get("/v1/status");
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

    private void row(String name, String value) {
        yoq.out.printf("%-16s%s%n", name + ":", value);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }
}
