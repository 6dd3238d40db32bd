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
 * {@code health_check} (the manifest's keys, times in seconds), {@code secrets} and {@code env_secrets} (names only), and {@code volumes}: each named volume it mounts with
 * its declaration ({@code name}, {@code target}, {@code driver}, and {@code path}, {@code server}, {@code options}
 * where the driver has them, {@code read_only} when mounted {@code :ro}), which the agent's node readies before the container starts. The agent gates its
 * {@code running} report on the health check.
 */
public final class RunDetails {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunDetails() {}

    /** {@code volumes}: the app's volume declarations (named volumes no [volume.*] declares are local ones). */
    public static String of(Manifest.Service s, List<Manifest.VolumeDecl> volumes) {
        return write(common(s.common(), volumes), s.healthCheck());
    }

    /** A worker's: what every workload has, no health check (a run is over when it exits). */
    public static String of(Manifest.Common c, List<Manifest.VolumeDecl> volumes) {
        return write(common(c, volumes), null);
    }

    private static ObjectNode common(Manifest.Common c, List<Manifest.VolumeDecl> volumes) {
        ObjectNode o = JSON.createObjectNode();
        strings(o, "env", c.env());
        strings(o, "cap_add", c.capAdd());
        strings(o, "cap_drop", c.capDrop());
        if (c.userns()) o.put("user_namespace", true);
        strings(o, "secrets", c.secrets());          // names only: the agent asks for the values (AgentSecrets)
        strings(o, "env_secrets", c.envSecrets());
        ArrayNode mounts = JSON.createArrayNode();
        for (Manifest.Mount m : c.volumes()) {
            if (!"named".equals(m.kind())) continue;   // a cluster refuses bind mounts at apply
            Manifest.VolumeDecl d = volumes.stream().filter(v -> v.name().equals(m.source())).findFirst()
                    .orElse(new Manifest.VolumeDecl(m.source(), "local", null, null, null));
            ObjectNode v = mounts.addObject().put("name", d.name()).put("target", m.target()).put("driver", d.driver());
            if (d.path() != null) v.put("path", d.path());
            if (d.server() != null) v.put("server", d.server());
            if (d.options() != null) v.put("options", d.options());
            if (m.readOnly()) v.put("read_only", true);
        }
        if (!mounts.isEmpty()) o.set("volumes", mounts);
        return o;
    }

    /**
     * Every secret a run's details name, as files ({@code secrets}) or as variables ({@code env_secrets},
     * {@code VAR=name} or {@code name}), each once.
     */
    public static List<String> secrets(String detailsJson) {
        List<String> out = new java.util.ArrayList<>();
        if (detailsJson == null || !detailsJson.contains("secrets")) return out;
        try {
            com.fasterxml.jackson.databind.JsonNode d = JSON.readTree(detailsJson);
            d.path("secrets").forEach(v -> add(out, v.asText()));
            d.path("env_secrets").forEach(v -> add(out, v.asText().substring(v.asText().indexOf('=') + 1)));
        } catch (JsonProcessingException e) {   // written by of() above: unreadable only if tampered with
            throw new IllegalStateException("run details: " + e.getOriginalMessage());
        }
        return out;
    }

    private static void add(List<String> out, String name) {
        if (!name.isEmpty() && !out.contains(name)) out.add(name);
    }

    /** The local volumes a run mounts (by name), from its details' JSON: each keeps the run on the agent that has it. */
    public static List<String> localVolumes(String detailsJson) {
        List<String> out = new java.util.ArrayList<>();
        if (detailsJson == null || !detailsJson.contains("\"volumes\"")) return out;
        try {
            for (com.fasterxml.jackson.databind.JsonNode v : JSON.readTree(detailsJson).path("volumes")) {
                if ("local".equals(v.path("driver").asText())) out.add(v.path("name").asText());
            }
        } catch (JsonProcessingException e) {   // written by of() above: unreadable only if tampered with
            throw new IllegalStateException("run details: " + e.getOriginalMessage());
        }
        return out;
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
