package dev.yoq.manifest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Strict reads of one JSON object of a snapshot: a missing required field, a wrong type or an unknown field is an
 * error naming its path ({@code services[2].ports[0].host_port}); nothing is silently dropped.
 */
final class JsonFields {

    private final JsonNode node;
    private final String path;
    private final List<Problem> problems;
    private final Set<String> read = new HashSet<>();

    JsonFields(JsonNode node, String path, List<Problem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        if (!node.isObject()) {
            problems.add(Problem.error("InvalidSnapshot", path, "must be an object"));
        }
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode get(String key, boolean required) {
        read.add(key);
        JsonNode v = node.get(key);
        if ((v == null || v.isNull()) && required) {
            problems.add(Problem.error("InvalidSnapshot", at(key), "required"));
        }
        return v == null || v.isNull() ? null : v;
    }

    private <T> T typed(String key, boolean ok, JsonNode v, T value, String expected) {
        if (v == null) {
            return null;
        }
        if (!ok) {
            problems.add(Problem.error("InvalidSnapshot", at(key), "must be " + expected + ", got " + Table.typeName(v)));
            return null;
        }
        return value;
    }

    String string(String key, boolean required) {
        JsonNode v = get(key, required);
        return typed(key, v != null && v.isTextual(), v, v == null ? null : v.asText(), "a string");
    }

    long integer(String key, long fallback) {
        JsonNode v = get(key, true);
        Long value = typed(key, v != null && v.isIntegralNumber() && v.canConvertToLong(), v,
                v == null ? null : v.asLong(), "an integer");
        return value == null ? fallback : value;
    }

    /** An integer that the original's snapshots do not carry: absent means {@code fallback}. */
    long integerOr(String key, long fallback) {
        Long v = optionalInteger(key);
        return v == null ? fallback : v;
    }

    /** A boolean that the original's snapshots do not carry: absent means {@code fallback}. */
    boolean boolOr(String key, boolean fallback) {
        JsonNode v = get(key, false);
        Boolean value = typed(key, v != null && v.isBoolean(), v, v != null && v.asBoolean(), "true or false");
        return value == null ? fallback : value;
    }

    Long optionalInteger(String key) {
        JsonNode v = get(key, false);
        return typed(key, v != null && v.isIntegralNumber() && v.canConvertToLong(), v,
                v == null ? null : v.asLong(), "an integer");
    }

    Double optionalNumber(String key) {
        JsonNode v = get(key, false);
        return typed(key, v != null && v.isNumber(), v, v == null ? null : v.asDouble(), "a number");
    }

    boolean bool(String key) {
        JsonNode v = get(key, true);
        Boolean value = typed(key, v != null && v.isBoolean(), v, v != null && v.asBoolean(), "true or false");
        return value != null && value;
    }

    List<String> strings(String key, boolean required) {
        JsonNode v = get(key, required);
        if (v == null) {
            return required ? List.of() : null;
        }
        List<String> out = new ArrayList<>();
        if (!v.isArray()) {
            problems.add(Problem.error("InvalidSnapshot", at(key), "must be a list of strings"));
            return out;
        }
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                problems.add(Problem.error("InvalidSnapshot", at(key), "must be a list of strings"));
                return List.of();
            }
            out.add(e.asText());
        }
        return out;
    }

    JsonFields object(String key, boolean required) {
        JsonNode v = get(key, required);
        return v == null ? null : new JsonFields(v, at(key), problems);
    }

    <T> List<T> objects(String key, BiFunction<JsonFields, Integer, T> read) {
        JsonNode v = get(key, true);
        List<T> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            problems.add(Problem.error("InvalidSnapshot", at(key), "must be a list"));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonFields item = new JsonFields(v.get(i), at(key) + "[" + i + "]", problems);
            out.add(read.apply(item, i));
            item.rejectUnknown();
        }
        return out;
    }

    boolean has(String key) {
        read.add(key);
        return node.has(key) && !node.get(key).isNull();
    }

    void rejectUnknown() {
        node.fieldNames().forEachRemaining(k -> {
            if (!read.contains(k)) {
                problems.add(Problem.error("InvalidSnapshot", at(k), "unknown field"));
            }
        });
    }
}
