package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq ps|logs|stop|rm|restart|exec}: the container commands of spec §1.1, over the REST API. */
final class ContainerCommands {
    private ContainerCommands() {}

    @Command(name = "ps", description = "List containers.")
    static class Ps implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Override
        public Integer call() {
            JsonNode all = yoq.options.client().get("/containers").json();
            if (yoq.options.json()) {
                List<Object> rows = new ArrayList<>();
                for (JsonNode c : all) {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    for (String f : new String[] {"id", "name", "status", "ip", "command", "pid", "created_at"}) {
                        row.put(f, ApiClient.JSON.convertValue(c.get(f), Object.class));
                    }
                    rows.add(row);
                }
                yoq.out.println(ApiClient.JSON.valueToTree(rows));
                return 0;
            }
            if (all.isEmpty()) {
                yoq.out.println("no containers");
                return 0;
            }
            String format = "%-14s%-10s%-16s%-20s%s%n";
            yoq.out.printf(format, "CONTAINER ID", "STATUS", "IP", "NAME", "COMMAND");
            for (JsonNode c : all) {
                yoq.out.printf(format, c.path("id").asText(), c.path("status").asText(), text(c, "ip"), text(c, "name"),
                        c.path("command").asText());
            }
            return 0;
        }

        private static String text(JsonNode c, String field) {
            JsonNode v = c.get(field);
            return v == null || v.isNull() ? "-" : v.asText();
        }
    }

    @Command(name = "logs", description = "Print a container's captured stdout and stderr.")
    static class Logs implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "ID|NAME")
        String ref;

        @Option(names = "--tail", description = "only the last N lines")
        Integer tail;

        @Option(names = {"-f", "--follow"}, description = "keep printing until the container exits")
        boolean follow;

        @Override
        public Integer call() throws InterruptedException {
            ApiClient api = yoq.options.client();
            String id = ContainerRef.resolve(api, ref);
            JsonNode first = api.get("/containers/" + id + "/logs" + (tail != null ? "?tail=" + tail : "")).json();
            String text = first.path("logs").asText();
            if (tail == null) {
                long offset = first.path("offset").asLong();
                StringBuilder all = new StringBuilder(text);
                while (!text.isEmpty()) {   // the log may be larger than one answer
                    JsonNode next = api.get("/containers/" + id + "/logs?offset=" + offset).json();
                    text = next.path("logs").asText();
                    offset = next.path("offset").asLong();
                    all.append(text);
                }
                text = all.toString();
                first = ApiClient.JSON.createObjectNode().put("offset", offset);
            }
            if (!follow) {
                yoq.out.print(text.isEmpty() ? "(no output)\n" : text);
                return 0;
            }
            yoq.out.print(text);
            follow(api, id, first.path("offset").asLong());
            return 0;
        }

        /** Follows across restarts: the log file stays; only its end moves. */
        private void follow(ApiClient api, String id, long offset) throws InterruptedException {
            while (true) {
                JsonNode next = api.get("/containers/" + id + "/logs?offset=" + offset).json();
                yoq.out.print(next.path("logs").asText());
                yoq.out.flush();
                offset = next.path("offset").asLong();
                if (!next.path("logs").asText().isEmpty()) continue;
                JsonNode c = api.get("/containers/" + id).json();
                boolean mayRestart = !c.path("restart_policy").asText().equals("no") && !c.path("status").asText().equals("stopped");
                if (!c.path("status").asText().equals("running") && !mayRestart) return;
                Thread.sleep(200);
            }
        }
    }

    /** A command that acts on one container by id, id prefix or name, then prints its id. */
    abstract static class OnOne implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "ID|NAME")
        String ref;

        abstract void act(ApiClient api, String id);

        @Override
        public Integer call() {
            ApiClient api = yoq.options.client();
            String id = ContainerRef.resolve(api, ref);
            act(api, id);
            yoq.out.println(id);
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop a running container: SIGTERM, then SIGKILL after 10 s.")
    static class Stop extends OnOne {
        @Override
        void act(ApiClient api, String id) { api.post("/containers/" + id + "/stop", null); }
    }

    @Command(name = "rm", description = "Remove a container that is not running (files, log, record).")
    static class Rm extends OnOne {
        @Override
        void act(ApiClient api, String id) { api.delete("/containers/" + id); }
    }

    @Command(name = "restart", description = "Stop a container if it runs, then start it again.")
    static class Restart extends OnOne {
        @Override
        void act(ApiClient api, String id) { api.post("/containers/" + id + "/restart", null); }
    }

    @Command(name = "exec", description = "Run a command inside a running container (cwd /, empty environment).")
    static class Exec implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "ID|NAME")
        String ref;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() {
            ApiClient api = yoq.options.client();
            String id = ContainerRef.resolve(api, ref);
            JsonNode r = api.post("/containers/" + id + "/exec", Map.of("command", command)).json();
            yoq.out.print(r.path("stdout").asText());
            yoq.err.print(r.path("stderr").asText());
            if (r.path("truncated").asBoolean()) yoq.err.println("(output truncated at 1 MiB)");
            return r.path("exit_code").asInt();
        }
    }
}
