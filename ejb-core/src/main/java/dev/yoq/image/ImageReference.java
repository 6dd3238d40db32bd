package dev.yoq.image;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Docker-style image reference (spec §1.2): {@code [registry/]repository[:tag][@sha256:digest]}. The part
 * before the first {@code /} is a registry when it contains {@code .} or {@code :} (or is {@code localhost});
 * otherwise the registry is Docker Hub and one-part names get {@code library/}. The tag defaults to
 * {@code latest} unless a digest is given.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    public static final String DOCKER_HUB = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?");

    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("image reference: empty");
        if (text.length() > 512) throw new IllegalArgumentException("image reference: longer than 512 characters");
        String rest = text.strip();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("image reference " + text + ": digest must be sha256: and 64 lowercase hex");
            }
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!HOST.matcher(first).matches()) throw new IllegalArgumentException("image reference " + text + ": bad registry " + first);
                registry = first.equals("docker.io") || first.equals("index.docker.io") ? DOCKER_HUB : first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) throw new IllegalArgumentException("image reference " + text + ": bad tag " + tag);
        }
        if (rest.isEmpty()) throw new IllegalArgumentException("image reference " + text + ": no repository");
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("image reference " + text + ": bad repository name component '" + component
                        + "' (lowercase letters, digits, and . _ - between them)");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) rest = "library/" + rest;
        if (tag == null && digest == null) tag = "latest";
        return new ImageReference(registry, rest, tag, digest);
    }

    /** What a manifest request names: the digest when pinned, else the tag. */
    public String manifestReference() { return digest != null ? digest : tag; }

    /**
     * Plain HTTP is allowed only for loopback registries (as Docker does); others need HTTPS unless the user
     * lists them as insecure.
     */
    public boolean loopback() {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.contains(":") ? registry.substring(0, registry.lastIndexOf(':')) : registry;
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    /** The familiar short form: Docker Hub's {@code library/} and default registry left out. */
    @Override
    public String toString() {
        String name = registry.equals(DOCKER_HUB)
                ? (repository.startsWith("library/") ? repository.substring(8) : repository)
                : registry + "/" + repository;
        return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
