package dev.yoq.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The four manifest media types yoq reads (OCI image manifest and index, Docker schema 2 manifest and manifest
 * list), parsed into descriptors. Anything else is refused with its media type named.
 */
public final class Manifests {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Registry 2.8 converts nothing: a client must accept all four or gets 404 (STACK-NOTES). */
    public static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {}

    public record Descriptor(String mediaType, String digest, long size, String os, String architecture, String variant) {}

    /** An image manifest, or (layers empty, entries set) an index to pick a platform from. */
    public record Parsed(String mediaType, Descriptor config, List<Descriptor> layers, List<Descriptor> entries) {
        public boolean isIndex() { return mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST); }
    }

    public static Parsed parse(byte[] body, String contentType) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("the manifest is not JSON: " + e.getMessage());
        }
        String type = root.path("mediaType").asText(null);
        if (type == null && contentType != null) type = contentType.split(";")[0].trim();
        if (type == null) type = inferred(root);   // OCI allows leaving mediaType out (umoci does)
        if (type == null) throw new IOException("the manifest names no media type");
        return switch (type) {
            case OCI_MANIFEST, DOCKER_MANIFEST -> new Parsed(type, descriptor(root.path("config")), descriptors(root.path("layers")), List.of());
            case OCI_INDEX, DOCKER_LIST -> new Parsed(type, null, List.of(), descriptors(root.path("manifests")));
            default -> throw new IOException("unsupported manifest media type " + type);
        };
    }

    private static String inferred(JsonNode root) {
        if (root.has("manifests")) return OCI_INDEX;
        if (!root.has("layers")) return null;
        String config = root.path("config").path("mediaType").asText("");
        return config.equals("application/vnd.docker.container.image.v1+json") ? DOCKER_MANIFEST : OCI_MANIFEST;
    }

    /** The entry of an index for os/arch[/variant] (e.g. linux/amd64), or an error listing what there is. */
    public static Descriptor pick(Parsed index, String platform) throws IOException {
        String[] p = platform.split("/");
        for (Descriptor d : index.entries()) {
            if (p[0].equals(d.os()) && p.length > 1 && p[1].equals(d.architecture())
                    && (p.length < 3 || p[2].equals(d.variant()))) return d;
        }
        List<String> have = new ArrayList<>();
        for (Descriptor d : index.entries()) have.add(d.os() + "/" + d.architecture() + (d.variant() == null ? "" : "/" + d.variant()));
        throw new IOException("the image has no " + platform + " variant (it has: " + String.join(", ", have) + ")");
    }

    private static List<Descriptor> descriptors(JsonNode array) throws IOException {
        List<Descriptor> out = new ArrayList<>();
        for (JsonNode d : array) out.add(descriptor(d));
        return out;
    }

    private static Descriptor descriptor(JsonNode d) throws IOException {
        String digest = d.path("digest").asText(null);
        BlobStore.hex(digest);   // refuses anything that is not a sha256 digest before it can become a path
        JsonNode platform = d.path("platform");
        return new Descriptor(d.path("mediaType").asText(null), digest, d.path("size").asLong(-1),
                platform.path("os").asText(null), platform.path("architecture").asText(null), platform.path("variant").asText(null));
    }
}
