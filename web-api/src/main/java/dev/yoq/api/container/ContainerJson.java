package dev.yoq.api.container;

import dev.yoq.node.protocol.ExecResult;
import dev.yoq.runtime.ContainerException;
import dev.yoq.runtime.ContainerView;
import dev.yoq.runtime.RunRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/** The containers routes' JSON, field by field: spec §2.2 names, nulls written out (ip and pid may be null). */
final class ContainerJson {
    private ContainerJson() {}

    static JsonObject of(ContainerView c) {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("id", c.id());
        nullable(b, "name", c.name());
        b.add("hostname", c.hostname()).add("status", c.status());
        nullable(b, "status_reason", c.statusReason());
        b.add("command", c.command()).add("rootfs", c.rootfs());
        nullable(b, "pid", c.pid());
        nullable(b, "ip", c.ip());
        nullable(b, "exit_code", c.exitCode());
        nullable(b, "signal", c.signal());
        b.add("oom_killed", c.oomKilled())
                .add("restart_policy", c.restartPolicy())
                .add("restart_count", c.restartCount())
                .add("created_at", c.createdAt());
        nullable(b, "started_at", c.startedAt());
        nullable(b, "finished_at", c.finishedAt());
        b.addNull("health");
        return b.build();
    }

    static JsonObject of(ExecResult r) {
        return Json.createObjectBuilder().add("exit_code", r.exitCode()).add("stdout", r.stdout())
                .add("stderr", r.stderr()).add("truncated", r.truncated()).build();
    }

    /** Reads POST /containers' body; wrong types are reported with the field's name. */
    static RunRequest runRequest(JsonObject o) {
        List<RunRequest.Volume> volumes = new ArrayList<>();
        for (JsonValue v : array(o, "volumes")) {
            if (!(v instanceof JsonObject vo)) throw invalid("volumes: each entry must be an object");
            volumes.add(new RunRequest.Volume(string(vo, "source"), string(vo, "target"),
                    bool(vo, "read_only")));
        }
        return new RunRequest(string(o, "target"), strings(o, "command"), string(o, "name"), strings(o, "env"), volumes,
                strings(o, "ports"), longValue(o, "memory_bytes"), longValue(o, "pids"),
                o.containsKey("cpu_weight") && !o.isNull("cpu_weight") ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longValue(o, "cpu_weight"))) : null,
                o.containsKey("cpus") && !o.isNull("cpus") ? number(o, "cpus").doubleValue() : null,
                string(o, "restart"), bool(o, "network"), bool(o, "user_namespace"), strings(o, "cap_add"), strings(o, "cap_drop"),
                strings(o, "secrets"), strings(o, "env_secrets"));
    }

    static List<String> strings(JsonObject o, String key) {
        List<String> out = new ArrayList<>();
        for (JsonValue v : array(o, key)) {
            if (!(v instanceof JsonString s)) throw invalid(key + ": must be an array of strings");
            out.add(s.getString());
        }
        return out;
    }

    private static JsonArray array(JsonObject o, String key) {
        if (!o.containsKey(key) || o.isNull(key)) return JsonValue.EMPTY_JSON_ARRAY;
        if (!(o.get(key) instanceof JsonArray a)) throw invalid(key + ": must be an array");
        return a;
    }

    private static String string(JsonObject o, String key) {
        if (!o.containsKey(key) || o.isNull(key)) return null;
        if (!(o.get(key) instanceof JsonString s)) throw invalid(key + ": must be a string");
        return s.getString();
    }

    private static JsonNumber number(JsonObject o, String key) {
        if (!(o.get(key) instanceof JsonNumber n)) throw invalid(key + ": must be a number");
        return n;
    }

    private static Long longValue(JsonObject o, String key) {
        if (!o.containsKey(key) || o.isNull(key)) return null;
        JsonNumber n = number(o, key);
        if (!n.isIntegral()) throw invalid(key + ": must be a whole number");
        try {
            return n.longValueExact();   // longValue() would wrap 99999999999999999999999 into some other number
        } catch (ArithmeticException e) {
            throw invalid(key + ": " + n + " is out of range");
        }
    }

    private static Boolean bool(JsonObject o, String key) {
        if (!o.containsKey(key) || o.isNull(key)) return null;
        JsonValue v = o.get(key);
        if (v != JsonValue.TRUE && v != JsonValue.FALSE) throw invalid(key + ": must be true or false");
        return v == JsonValue.TRUE;
    }

    private static ContainerException invalid(String message) {
        return new ContainerException(ContainerException.Kind.INVALID, message);
    }

    private static void nullable(JsonObjectBuilder b, String key, Object value) {
        if (value == null) b.addNull(key);
        else if (value instanceof Integer i) b.add(key, i);
        else if (value instanceof Long l) b.add(key, l);
        else b.add(key, value.toString());
    }
}
