package dev.yoq.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import dev.yoq.node.protocol.DataLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesTheLayoutOwnerOnly() throws Exception {
        DataLayout layout = new DataLayout(tmp.resolve("a/b/yoq"));

        String token = DataDirectory.prepare(layout, new SecureRandom());

        assertThat(layout.blobs()).isDirectory();
        assertThat(layout.s3()).isDirectory();
        assertThat(layout.containers()).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.root())))
                .isEqualTo("rwx------");
        assertThat(Files.readString(layout.apiToken()).strip()).isEqualTo(token);
    }

    @Test
    void laterStartsKeepTheTokenAndTheFiles() throws Exception {
        DataLayout layout = new DataLayout(tmp.resolve("yoq"));
        String token = DataDirectory.prepare(layout, new SecureRandom());
        Files.writeString(layout.blobs().resolve("abc"), "blob");

        assertThat(DataDirectory.prepare(layout, new SecureRandom())).isEqualTo(token);
        assertThat(layout.blobs().resolve("abc")).hasContent("blob");
    }

    @Test
    void aDirectoryMadeEarlierWithTheUmasksModeIsMadeOwnerOnly() throws Exception {
        DataLayout layout = new DataLayout(tmp.resolve("made-by-server-start"));
        Files.createDirectories(layout.root().resolve("logs"));
        Files.setPosixFilePermissions(layout.root(), PosixFilePermissions.fromString("rwxr-xr-x"));

        DataDirectory.prepare(layout, new SecureRandom());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(layout.root()))).isEqualTo("rwx------");
    }
}
