package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Typed, path-aware reads of one TOML table. A key present with the wrong type counts as absent, as in the
 * original, but is reported as a warning instead of silently; keys nobody read are reported as unknown, with
 * the closest known key as a suggestion.
 */
final class Table {

    private final ObjectNode node;
    private final String path;
    private final List<Problem> problems;
    private final Set<String> read = new LinkedHashSet<>();

    Table(ObjectNode node, String path, List<Problem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        read.add(key);
        return node.has(key);
    }

    boolean isIntegral(String key) {
        JsonNode v = node.get(key);
        return v != null && v.isIntegralNumber();
    }

    void error(String kind, String key, String message) {
        problems.add(Problem.error(kind, key == null ? path : at(key), message));
    }

    String string(String key) {
        JsonNode v = value(key);
        return v == null ? null : v.isTextual() ? v.asText() : wrongType(key, "a string", v);
    }

    Long integer(String key) {
        JsonNode v = value(key);
        return v == null ? null : v.isIntegralNumber() && v.canConvertToLong() ? v.asLong()
                : wrongType(key, "an integer", v);
    }

    Double number(String key) {
        JsonNode v = value(key);
        return v == null ? null : v.isNumber() ? v.asDouble() : wrongType(key, "a number", v);
    }

    Boolean bool(String key) {
        JsonNode v = value(key);
        return v == null ? null : v.isBoolean() ? v.asBoolean() : wrongType(key, "true or false", v);
    }

    /** A list of strings, or null when absent (or not a list of strings). */
    List<String> strings(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return null;
        }
        if (v.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    return wrongType(key, "a list of strings", v);
                }
                out.add(e.asText());
            }
            return out;
        }
        return wrongType(key, "a list of strings", v);
    }

    List<String> stringsOrEmpty(String key) {
        List<String> v = strings(key);
        return v == null ? List.of() : v;
    }

    Table table(String key) {
        JsonNode v = value(key);
        if (v == null) {
            return null;
        }
        return v.isObject() ? new Table((ObjectNode) v, at(key), problems) : wrongType(key, "a table", v);
    }

    /** The sub-tables of this table in file order; other entries are warned about and skipped. */
    Map<String, Table> children() {
        return children(null);
    }

    /** As {@link #children()}, but an entry that is not a table is an error of {@code kind} when kind is set. */
    Map<String, Table> children(String kind) {
        Map<String, Table> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            read.add(e.getKey());
            if (e.getValue().isObject()) {
                out.put(e.getKey(), new Table((ObjectNode) e.getValue(), at(e.getKey()), problems));
                return;
            }
            String message = "expected a table [" + at(e.getKey()) + "], got " + typeName(e.getValue());
            problems.add(kind == null ? Problem.warning(at(e.getKey()), message + " (ignored)")
                    : Problem.error(kind, at(e.getKey()), message));
        });
        return out;
    }

    /** Reports every key of this table that no reader asked for. */
    void reportUnknownKeys() {
        node.fieldNames().forEachRemaining(key -> {
            if (!read.contains(key)) {
                String hint = Suggestions.closest(key, read).map(s -> " (did you mean '" + s + "'?)").orElse("");
                problems.add(Problem.warning(at(key), "unknown key, ignored" + hint));
            }
        });
    }

    private JsonNode value(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    private <T> T wrongType(String key, String expected, JsonNode actual) {
        problems.add(Problem.warning(at(key), "expected " + expected + ", got " + typeName(actual) + " (ignored)"));
        return null;
    }

    static String typeName(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isIntegralNumber()) {
            return "an integer";
        }
        if (v.isNumber()) {
            return "a float";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.isObject() ? "a table" : "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
