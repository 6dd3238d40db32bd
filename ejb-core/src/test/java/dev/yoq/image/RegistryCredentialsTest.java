package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {
    @TempDir Path dir;

    @Test
    void saved_credentials_are_private_and_come_first_docker_config_is_the_fallback() throws Exception {
        Path docker = dir.resolve("config.json");
        Files.writeString(docker, "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + java.util.Base64.getEncoder().encodeToString("bob:pw:with:colons".getBytes())
                + "\"},\"reg.example\":{\"auth\":\"" + java.util.Base64.getEncoder().encodeToString("old:old".getBytes()) + "\"}}}");
        RegistryCredentials store = new RegistryCredentials(dir.resolve("data/registry_auth.json"), docker);
        assertThat(store.apply("ghcr.io")).isEqualTo(new RegistryClient.Credentials("bob", "pw:with:colons"));
        store.save("reg.example", new RegistryClient.Credentials("alice", "s3cret"));
        assertThat(store.apply("reg.example")).isEqualTo(new RegistryClient.Credentials("alice", "s3cret"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/registry_auth.json")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("data/registry_auth.json"))).doesNotContain("s3cret");
        assertThat(store.apply("nobody.example")).isNull();
        Files.writeString(docker, "not json");
        assertThat(new RegistryCredentials(dir.resolve("none.json"), docker).apply("ghcr.io")).isNull();
    }
}
