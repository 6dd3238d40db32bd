package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq token create|list|revoke} (spec §1.7), over {@code /v1/tokens}. */
@Command(name = "token", description = "Named API tokens with scopes.",
        subcommands = {TokenCommands.Create.class, TokenCommands.List.class, TokenCommands.Revoke.class})
final class TokenCommands {
    @ParentCommand
    YoqCommand yoq;

    @Command(name = "create", description = "Create a token; its secret is printed once. Scopes: *, cluster:admin, "
            + "<resource>:read|write|* (apps secrets policies certificates audit status services cluster agents containers images s3).")
    static class Create implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--scope", paramLabel = "S", required = true, split = ",", description = "Repeat it, or separate with commas (at most 16).")
        java.util.List<String> scopes;

        @Option(names = "--ttl", paramLabel = "Nd|Nh|Nm|Ns", description = "Expire after this long (default: never).")
        String ttl;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("scopes", scopes);
            if (ttl != null) body.put("ttl", ttl);
            JsonNode r = token.yoq.options.client().post("/v1/tokens", body).json();
            if (token.yoq.options.json()) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", r.path("name").asText());
                out.put("scopes", r.path("scopes"));
                out.put("token", r.path("token").asText());
                token.yoq.out.println(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(out));
            } else {
                token.yoq.out.println(r.path("token").asText());
                token.yoq.err.println("token " + name + " created with " + r.path("scopes") + (r.path("expires_at").isNull() ? ""
                        : ", expires " + Instant.ofEpochSecond(r.path("expires_at").asLong())) + "; it is not shown again");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List the tokens (never their secrets).")
    static class List implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Override
        public Integer call() {
            JsonNode all = token.yoq.options.client().get("/v1/tokens").json();
            if (token.yoq.options.json()) {
                token.yoq.out.println(all);
            } else if (all.isEmpty()) {
                token.yoq.out.println("no tokens");
            } else {
                String format = "%-24s %-8s %-40s %s%n";
                token.yoq.out.printf(format, "NAME", "STATUS", "SCOPES", "EXPIRES");
                for (JsonNode t : all) {
                    java.util.List<String> scopes = new java.util.ArrayList<>();
                    t.path("scopes").forEach(s -> scopes.add(s.asText()));
                    token.yoq.out.printf(format, t.path("name").asText(), t.path("status").asText(), String.join(",", scopes),
                            t.path("expires_at").isNull() ? "never" : Instant.ofEpochSecond(t.path("expires_at").asLong()).toString());
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token: it is refused from now on.")
    static class Revoke implements Callable<Integer> {
        @ParentCommand
        TokenCommands token;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            token.yoq.options.client().delete("/v1/tokens/" + name);
            token.yoq.out.println(name + ": revoked");
            return 0;
        }
    }
}
