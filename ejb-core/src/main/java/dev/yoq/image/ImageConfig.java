package dev.yoq.image;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an image config says (OCI and Docker use the same shape): the runtime defaults of its {@code config}
 * object (Entrypoint, Cmd, Env, WorkingDir, User, ExposedPorts, StopSignal, Labels) and, for inspect, its
 * platform and creation time. Parsed with a nesting limit of 64 (spec §6.3). Records stored before a field
 * existed read it as null/empty.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user,
                          List<String> exposedPorts, String stopSignal, Map<String, String> labels, String platform,
                          String created) {
    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : entrypoint;
        cmd = cmd == null ? List.of() : cmd;
        env = env == null ? List.of() : env;
        workingDir = workingDir == null ? "" : workingDir;
        user = user == null ? "" : user;
        exposedPorts = exposedPorts == null ? List.of() : exposedPorts;
        stopSignal = stopSignal == null ? "" : stopSignal;
        labels = labels == null ? Map.of() : labels;
        platform = platform == null ? "" : platform;
        created = created == null ? "" : created;
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    public static ImageConfig parse(byte[] json) throws IOException {
        JsonNode root = JSON.readTree(json);
        JsonNode c = root.path("config");
        List<String> ports = new ArrayList<>();
        for (Iterator<String> it = c.path("ExposedPorts").fieldNames(); it.hasNext(); ) ports.add(it.next());
        Map<String, String> labels = new TreeMap<>();
        c.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        String platform = root.path("os").asText("") + "/" + root.path("architecture").asText("")
                + (root.hasNonNull("variant") ? "/" + root.path("variant").asText() : "");
        return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""), ports, c.path("StopSignal").asText(""),
                labels, platform.equals("/") ? "" : platform, root.path("created").asText(""));
    }

    public static ImageConfig read(String json) throws IOException { return JSON.readValue(json, ImageConfig.class); }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Docker's rule: arguments after the image replace Cmd; the Entrypoint stays in front. */
    public List<String> command(List<String> args) {
        List<String> out = new ArrayList<>(entrypoint);
        out.addAll(args.isEmpty() ? cmd : args);
        return out;
    }

    /** The image's environment with the user's entries replacing those of the same name. */
    public List<String> environment(List<String> overrides) {
        List<String> out = new ArrayList<>();
        for (String e : env) {
            String key = e.substring(0, Math.max(0, e.indexOf('=')));
            if (overrides.stream().noneMatch(o -> o.startsWith(key + "="))) out.add(e);
        }
        out.addAll(overrides);
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) for (JsonNode n : array) out.add(n.asText());
        return out;
    }
}
