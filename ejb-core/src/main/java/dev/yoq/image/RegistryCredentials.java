package dev.yoq.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.function.Function;

/**
 * Registry credentials from {@code yoq login}, in {@code <data>/registry_auth.json} (mode 0600, written whole
 * through a temporary file), with a user's Docker {@code config.json} ("auths" → base64 user:password) as the
 * fallback. Passwords are never logged: this class has no toString of them and errors name only the registry.
 */
public final class RegistryCredentials implements Function<String, RegistryClient.Credentials> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Path dockerConfig;

    public RegistryCredentials(Path file, Path dockerConfig) {
        this.file = file;
        this.dockerConfig = dockerConfig;
    }

    @Override
    public RegistryClient.Credentials apply(String registry) {
        RegistryClient.Credentials own = from(file, registry);
        return own != null ? own : from(dockerConfig, registry);
    }

    public synchronized void save(String registry, RegistryClient.Credentials credentials) throws IOException {
        ObjectNode all = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        ObjectNode auths = all.has("auths") ? (ObjectNode) all.get("auths") : all.putObject("auths");
        String token = Base64.getEncoder().encodeToString((credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
        auths.putObject(registry).put("auth", token);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".registry_auth-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads the Docker config format: {"auths": {"<registry>": {"auth": "<base64 user:password>"}}}. */
    static RegistryClient.Credentials from(Path config, String registry) {
        if (config == null || !Files.isRegularFile(config)) return null;
        try {
            JsonNode entry = JSON.readTree(config.toFile()).path("auths").path(registry);
            String auth = entry.path("auth").asText("");
            if (auth.isEmpty()) return null;
            String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? null : new RegistryClient.Credentials(pair.substring(0, colon), pair.substring(colon + 1));
        } catch (IOException | IllegalArgumentException e) {
            return null;   // an unreadable file is as good as none; never echo its content
        }
    }
}
