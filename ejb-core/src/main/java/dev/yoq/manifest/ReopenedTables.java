package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The original accepted a table header twice and merged the parts ({@code [service.a]} ... {@code [service.b]} ...
 * {@code [service.a]} again); TOML 1.0 forbids it. To keep such manifests meaning the same, their parts are joined
 * under the first header before parsing. Only plain {@code [table]} headers take part: text with arrays of tables
 * or multi-line strings is left alone (the original accepted neither).
 */
final class ReopenedTables {

    private ReopenedTables() {
    }

    /** The text with every table's parts joined, and the names of the tables that were reopened. */
    record Merged(String text, List<String> reopened) {
    }

    /** Null when the text cannot be merged safely (arrays of tables, multi-line strings) or nothing was reopened. */
    static Merged merge(String text) {
        if (text.contains("[[") || text.contains("\"\"\"") || text.contains("'''")) {
            return null;
        }
        List<String> preamble = new ArrayList<>();
        Map<String, List<String>> tables = new LinkedHashMap<>();
        List<String> reopened = new ArrayList<>();
        List<String> current = preamble;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                String name = trimmed.replaceAll("^\\[|].*$", "").replaceAll("\\s+", "");
                if (tables.containsKey(name)) {
                    if (!reopened.contains(name)) {
                        reopened.add(name);
                    }
                    current = tables.get(name);
                    continue;
                }
                current = new ArrayList<>();
                current.add(line);
                tables.put(name, current);
            } else {
                current.add(line);
            }
        }
        if (reopened.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(preamble);
        tables.values().forEach(out::addAll);
        return new Merged(String.join("\n", out), reopened);
    }
}
