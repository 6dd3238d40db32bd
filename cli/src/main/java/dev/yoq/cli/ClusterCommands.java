package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The cluster commands of spec §1.5 that talk to a server: {@code cluster status}, {@code nodes}, {@code drain}. */
final class ClusterCommands {
    private ClusterCommands() {
    }

    @Command(name = "cluster", description = "The cluster this server belongs to.", subcommands = ClusterCommands.Status.class)
    static final class Cluster implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Override
        public Integer call() {
            yoq.out.println("usage: yoq cluster status [--json]");
            return 2;
        }
    }

    @Command(name = "status", description = "This server's Raft role, term and leader (GET /cluster/status), as JSON.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        Cluster cluster;

        @Override
        public Integer call() {
            cluster.yoq.out.println(cluster.yoq.options.client().get("/cluster/status").json());
            return 0;
        }
    }

    @Command(name = "nodes", description = "The cluster's agents (GET /agents): ID STATUS CPU MEMORY CONTAINERS.")
    static final class Nodes implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Override
        public Integer call() {
            JsonNode agents = yoq.options.client().get("/agents").json();
            if (yoq.options.json()) {
                yoq.out.println(agents);
                return 0;
            }
            if (agents.isEmpty()) {
                yoq.out.println("no agents");
                return 0;
            }
            String format = "%-14s %-10s %-14s %-16s %s%n";
            yoq.out.printf(format, "ID", "STATUS", "CPU", "MEMORY", "CONTAINERS");
            for (JsonNode a : agents) {
                yoq.out.printf(format, a.path("id").asText(), a.path("status").asText(),
                        a.path("cpu_used").asLong() + "/" + a.path("cpu_cores").asLong() * 1000,
                        a.path("memory_used_mb").asLong() + "/" + a.path("memory_mb").asLong() + "MB", a.path("containers").asLong());
            }
            return 0;
        }
    }

    @Command(name = "drain", description = "Mark an agent draining: the scheduler places nothing new on it (POST /agents/{id}/drain).")
    static final class Drain implements Callable<Integer> {
        @ParentCommand
        YoqCommand yoq;

        @Parameters(index = "0", paramLabel = "ID", description = "the agent's id (yoq nodes)")
        String id;

        @Override
        public Integer call() {
            JsonNode r = yoq.options.client().post("/agents/" + AppCommands.path(id) + "/drain", Map.of()).json();
            yoq.out.println(id + ": " + r.path("status").asText("draining"));
            return 0;
        }
    }
}
