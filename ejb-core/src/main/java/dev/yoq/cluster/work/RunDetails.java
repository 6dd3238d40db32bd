package dev.yoq.cluster.work;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.yoq.manifest.Manifest;
import java.util.List;

/**
 * What a service's replica needs on its agent besides image, command and limits, as the JSON stored with its
 * assignment and served to the agent: {@code env}, {@code cap_add}, {@code cap_drop}, {@code user_namespace} and
 * {@code health_check} (the manifest's keys, times in seconds). The agent gates its {@code running} report on the
 * health check.
 */
public final class RunDetails {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunDetails() {}

    public static String of(Manifest.Service s) {
        return write(common(s.common()), s.healthCheck());
    }

    /** A worker's: what every workload has, no health check (a run is over when it exits). */
    public static String of(Manifest.Common c) {
        return write(common(c), null);
    }

    private static ObjectNode common(Manifest.Common c) {
        ObjectNode o = JSON.createObjectNode();
        strings(o, "env", c.env());
        strings(o, "cap_add", c.capAdd());
        strings(o, "cap_drop", c.capDrop());
        if (c.userns()) o.put("user_namespace", true);
        return o;
    }

    private static String write(ObjectNode o, Manifest.HealthCheck h) {
        if (h != null) {
            ObjectNode check = o.putObject("health_check");
            check.put("kind", h.kind());
            if (h.path() != null) check.put("path", h.path());
            if (h.port() != null) check.put("port", h.port());
            if (h.service() != null) check.put("service", h.service());
            if (h.command() != null && !h.command().isEmpty()) strings(check, "command", h.command());
            check.put("interval", h.interval()).put("timeout", h.timeout()).put("retries", h.retries()).put("start_period", h.startPeriod());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The health check of an assignment's JSON as {@link #of} wrote it (absent: null; absent settings: the spec's defaults). */
    public static Manifest.HealthCheck healthCheck(com.fasterxml.jackson.databind.JsonNode assignment) {
        com.fasterxml.jackson.databind.JsonNode h = assignment.path("health_check");
        if (!h.isObject()) return null;
        List<String> command = h.has("command") ? new java.util.ArrayList<>() : null;   // as the manifest reader leaves it
        h.path("command").forEach(v -> command.add(v.asText()));
        return new Manifest.HealthCheck(h.path("kind").asText(), h.path("path").asText(null), h.hasNonNull("port") ? h.path("port").asInt() : null,
                h.path("service").asText(null), command, h.path("interval").asLong(10), h.path("timeout").asLong(5), h.path("retries").asLong(3),
                h.path("start_period").asLong(0));
    }

    private static void strings(ObjectNode o, String key, List<String> values) {
        if (values == null || values.isEmpty()) return;
        ArrayNode a = o.putArray(key);
        values.forEach(a::add);
    }
}
