package dev.yoq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Turns what a user typed (a full id, a unique id prefix, or a name) into a container id. */
final class ContainerRef {
    private ContainerRef() {}

    static String resolve(ApiClient api, String ref) {
        JsonNode all = api.get("/containers").json();
        List<String> prefixed = new ArrayList<>();
        for (JsonNode c : all) {
            String id = c.path("id").asText();
            if (id.equals(ref) || ref.equals(c.path("name").asText(null))) return id;
            if (ref.length() >= 3 && id.startsWith(ref)) prefixed.add(id);
        }
        if (prefixed.size() == 1) return prefixed.get(0);
        if (prefixed.size() > 1) throw new CliException("container id prefix " + ref + " is ambiguous: " + String.join(", ", prefixed));
        throw new CliException("no such container: " + ref);
    }
}
