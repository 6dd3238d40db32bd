package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code yoq audit [--limit N] [--since D] [--actor A] [--action X]} (spec §1.10), over {@code GET /v1/audit}. */
@Command(name = "audit", description = "Recent audit entries, newest first: who did what, to what, and how it ended.")
final class AuditCommand implements Callable<Integer> {
    @ParentCommand
    YoqCommand yoq;

    @Option(names = "--limit", paramLabel = "N", description = "How many (default 50; the server gives at most 500).")
    Integer limit;

    @Option(names = "--since", paramLabel = "DURATION|EPOCH", description = "Only entries this recent: 30m, 2h, 7d, or epoch seconds.")
    String since;

    @Option(names = "--actor", paramLabel = "NAME", description = "Only this actor: a token's name, api-token, join-token, local.")
    String actor;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. app_apply, secret_set, token_create.")
    String action;

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("/v1/audit?limit=").append(limit == null ? 50 : limit);
        if (since != null) q.append("&since=").append(sinceEpochSeconds(since, Instant.now()));
        if (actor != null) q.append("&actor=").append(URLEncoder.encode(actor, StandardCharsets.UTF_8));
        if (action != null) q.append("&action=").append(URLEncoder.encode(action, StandardCharsets.UTF_8));
        JsonNode all = yoq.options.client().get(q.toString()).json();
        if (yoq.options.json()) {
            yoq.out.println(all);
        } else if (all.isEmpty()) {
            yoq.out.println("no audit entries");
        } else {
            String format = "%-20s %-20s %-22s %-32s %s%n";
            yoq.out.printf(format, "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME");
            for (JsonNode e : all) {
                yoq.out.printf(format, Instant.ofEpochSecond(e.path("recorded_at").asLong()).toString(), e.path("actor").asText(),
                        e.path("action").asText(), e.path("target").isNull() ? "-" : e.path("target").asText(), e.path("outcome").asText());
            }
        }
        return 0;
    }

    /** A duration back from {@code now} ({@code 30m}, {@code 2h}, {@code 7d}, {@code 45s}) or epoch seconds as they are. */
    static long sinceEpochSeconds(String since, Instant now) {
        if (since.matches("\\d{1,12}")) return Long.parseLong(since);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(since);
        if (!m.matches()) throw new CliException("--since " + since + ": give a duration (30m, 2h, 7d) or epoch seconds");
        long seconds = Long.parseLong(m.group(1)) * switch (m.group(2)) {
            case "s" -> 1L;
            case "m" -> 60L;
            case "h" -> 3600L;
            default -> 86_400L;
        };
        return Math.max(0, now.getEpochSecond() - seconds);
    }
}
