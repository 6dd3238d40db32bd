package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps dotted manifest paths ({@code service.api.health_check.port}) to the line that defines them, by reading the
 * text the way a TOML author lays it out: table headers and {@code key = value} lines. Paths it cannot place (an
 * inline table's inner keys) fall back to the nearest enclosing path that it can.
 */
public final class SourceLines {

    private final Map<String, Integer> lines = new HashMap<>();

    public SourceLines(String text) {
        String table = "";
        int n = 0;
        boolean inMultiline = false;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (inMultiline) {
                inMultiline = !line.contains("]");
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                String header = line.replaceAll("^\\[+|].*$", "");
                table = normalize(header);
                lines.putIfAbsent(table, n);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq > 0) {
                String key = normalize(line.substring(0, eq));
                lines.putIfAbsent(table.isEmpty() ? key : table + "." + key, n);
                String value = line.substring(eq + 1).strip();
                inMultiline = value.startsWith("[") && !value.contains("]");
            }
        }
    }

    /** The line defining {@code path} or its nearest placed ancestor; 0 when none is known. */
    public int lineOf(String path) {
        String p = path;
        while (p != null && !p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int dot = p.lastIndexOf('.');
            p = dot < 0 ? null : p.substring(0, dot);
        }
        return 0;
    }

    /** {@code a . "b" . 'c'} → {@code a.b.c}. */
    private static String normalize(String dotted) {
        List<String> parts = new ArrayList<>();
        for (String part : dotted.split("\\.")) {
            parts.add(part.strip().replaceAll("^[\"']|[\"']$", ""));
        }
        return String.join(".", parts);
    }
}
