package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenFileTest {

    @TempDir
    Path dir;

    @Test
    void createsA64HexTokenReadableOnlyByTheOwner() throws Exception {
        Path file = dir.resolve("api_token");
        String token = ApiTokenFile.loadOrCreate(file, new SecureRandom());

        assertThat(token).matches("[0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file).strip()).isEqualTo(token);
    }

    @Test
    void reusesTheExistingTokenOnTheNextStart() throws Exception {
        Path file = dir.resolve("api_token");
        String first = ApiTokenFile.loadOrCreate(file, new SecureRandom());
        String second = ApiTokenFile.loadOrCreate(file, new SecureRandom());

        assertThat(second).isEqualTo(first);
    }

    @Test
    void twoTokensFromDifferentDataDirsDiffer() throws Exception {
        String a = ApiTokenFile.loadOrCreate(dir.resolve("a"), new SecureRandom());
        String b = ApiTokenFile.loadOrCreate(dir.resolve("b"), new SecureRandom());

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void refusesAFileThatOthersCanRead() throws Exception {
        Path file = dir.resolve("api_token");
        ApiTokenFile.loadOrCreate(file, new SecureRandom());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> ApiTokenFile.read(file))
                .isInstanceOf(ApiTokenFile.InvalidTokenFileException.class)
                .hasMessageContaining("chmod 600");
    }

    @Test
    void refusesAFileThatIsNotAToken() throws Exception {
        Path file = dir.resolve("api_token");
        Files.writeString(file, "NOT-A-TOKEN\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> ApiTokenFile.loadOrCreate(file, new SecureRandom()))
                .hasMessageContaining("64 lowercase hex");
    }

    @Test
    void refusesASymlinkToAnotherFile() throws Exception {
        Path target = dir.resolve("elsewhere");
        ApiTokenFile.loadOrCreate(target, new SecureRandom());
        Path link = Files.createSymbolicLink(dir.resolve("api_token"), target);

        assertThatThrownBy(() -> ApiTokenFile.read(link)).hasMessageContaining("symbolic link");
    }
}
