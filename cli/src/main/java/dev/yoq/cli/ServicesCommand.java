package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq services [name]}: the service registry (VIP, ports, replicas) and, for one service, its endpoints with
 * their admin state and whether they take new flows; {@code yoq services drain NAME ENDPOINT} drains one.
 */
@Command(name = "services", description = "Services with their VIPs and endpoints (GET /v1/services).",
        subcommands = {ServicesCommand.Drain.class})
final class ServicesCommand implements Callable<Integer> {
    @ParentCommand
    YoqCommand yoq;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "one service (app-service, or service when unique)")
    String service;

    @Override
    public Integer call() {
        if (service == null) {
            JsonNode all = yoq.options.client().get("/v1/services").json();
            if (yoq.options.json()) {
                yoq.out.println(all);
                return 0;
            }
            if (all.isEmpty()) {
                yoq.out.println("no services");
                return 0;
            }
            String format = "%-32s %-15s %-10s %-24s%n";
            yoq.out.printf(format, "SERVICE", "VIP", "REPLICAS", "PORTS");
            for (JsonNode s : all) {
                long ready = 0;
                for (JsonNode e : s.path("endpoints")) if (e.path("eligible").asBoolean()) ready++;
                StringBuilder ports = new StringBuilder();
                for (JsonNode p : s.path("ports")) ports.append(ports.isEmpty() ? "" : ",").append(p.path("host_port").asInt()).append(':')
                        .append(p.path("container_port").asInt());
                yoq.out.printf(format, s.path("service_name").asText(), s.path("vip_address").asText(),
                        ready + "/" + s.path("desired_replicas").asInt(), ports.isEmpty() ? "-" : ports);
            }
            return 0;
        }
        JsonNode s = yoq.options.client().get("/v1/services/" + AppCommands.path(service)).json();
        if (yoq.options.json()) {
            yoq.out.println(s);
            return 0;
        }
        yoq.out.println(s.path("service_name").asText() + "  VIP " + s.path("vip_address").asText() + "  " + s.path("lb_policy").asText());
        String format = "%-14s %-32s %-15s %-9s %-10s %-9s %s%n";
        yoq.out.printf(format, "ENDPOINT", "CONTAINER", "IP", "STATUS", "HEALTH", "ADMIN", "SERVING");
        for (JsonNode e : s.path("endpoints")) {
            yoq.out.printf(format, e.path("endpoint_id").asText(), e.path("container_name").asText("-"), e.path("ip_address").asText(),
                    e.path("status").asText("-"), e.path("health").isNull() ? "-" : e.path("health").asText(), e.path("admin_state").asText(),
                    e.path("eligible").asBoolean() ? "yes" : "no");
        }
        return 0;
    }

    @Command(name = "drain", description = "The endpoint takes no new flows and keeps its current ones.")
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        ServicesCommand services;

        @Parameters(index = "0", paramLabel = "SERVICE")
        String service;

        @Parameters(index = "1", paramLabel = "ENDPOINT")
        String endpoint;

        @Override
        public Integer call() {
            services.yoq.options.client().post("/v1/services/" + AppCommands.path(service) + "/endpoints/" + AppCommands.path(endpoint)
                    + "/drain", java.util.Map.of());
            services.yoq.out.println(endpoint + ": draining");
            return 0;
        }
    }
}
