package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq policy deny|allow|rm|list} (spec §1.6), over {@code /v1/policies}. */
@Command(name = "policy", description = "Network policy between containers (and services).",
        subcommands = {PolicyCommands.Deny.class, PolicyCommands.Allow.class, PolicyCommands.Rm.class, PolicyCommands.List.class})
final class PolicyCommands {
    @ParentCommand
    YoqCommand yoq;

    abstract static class Rule implements Callable<Integer> {
        @ParentCommand
        PolicyCommands policy;

        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;

        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        int set(String action) {
            policy.yoq.options.client().post("/v1/policies", Map.of("source", source, "target", target, "action", action));
            policy.yoq.out.println(source + " -> " + target + ": " + action);
            return 0;
        }
    }

    @Command(name = "deny", description = "Block traffic from SOURCE to TARGET.")
    static class Deny extends Rule {
        @Override
        public Integer call() { return set("deny"); }
    }

    @Command(name = "allow", description = "Allow only this destination for SOURCE (an allowlist for the source).")
    static class Allow extends Rule {
        @Override
        public Integer call() { return set("allow"); }
    }

    @Command(name = "rm", description = "Remove the rule from SOURCE to TARGET.")
    static class Rm extends Rule {
        @Override
        public Integer call() {
            policy.yoq.options.client().delete("/v1/policies/" + source + "/" + target);
            policy.yoq.out.println(source + " -> " + target + ": removed");
            return 0;
        }
    }

    @Command(name = "list", description = "List the rules.")
    static class List implements Callable<Integer> {
        @ParentCommand
        PolicyCommands policy;

        @Override
        public Integer call() {
            YoqCommand yoq = policy.yoq;
            JsonNode all = yoq.options.client().get("/v1/policies").json();
            if (yoq.options.json()) {
                yoq.out.println(all);
            } else if (all.isEmpty()) {
                yoq.out.println("no policies");
            } else {
                String format = "%-24s %-24s %s%n";
                yoq.out.printf(format, "SOURCE", "TARGET", "ACTION");
                for (JsonNode p : all) yoq.out.printf(format, p.path("source").asText(), p.path("target").asText(), p.path("action").asText());
            }
            return 0;
        }
    }
}
