package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SO_PEERCRED: with --allow-user daemon the socket belongs to group daemon (mode 0660); the user daemon is
 * served, while another user who can open the socket through the group is told no.
 */
class PeerCheckIT {
    @TempDir static Path tmp;
    static Process helper;
    static Path socket;
    static Path client;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.requirePrivilegedLane();
        Path dir = Files.createDirectories(tmp.resolve("h"));
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("node.sock");
        client = tmp.resolve("hello");
        Process gcc = new ProcessBuilder("gcc", "-O1", "-o", client.toString(), Path.of("src/test/c/hello.c").toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        assertThat(gcc.waitFor()).as(new String(gcc.getInputStream().readAllBytes())).isZero();
        helper = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", Path.of("target/yoq-node.jar").toAbsolutePath().toString(),
                "--socket", socket.toString(), "--data-dir", dir.resolve("data").toString(), "--allow-user", "daemon",
                "--init", Path.of(System.getProperty("yoq.init", "../init/target/yoq-init")).toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) Thread.sleep(50);
        assertThat(socket).exists();
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) {
            helper.destroy();
            helper.waitFor();
        }
    }

    static String helloAs(String... setpriv) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("setpriv"));
        cmd.addAll(List.of(setpriv));
        cmd.addAll(List.of(client.toString(), socket.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @Test
    void the_socket_is_0660_and_belongs_to_the_service_users_group() throws Exception {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        assertThat(Files.getAttribute(socket, "posix:group").toString()).isEqualTo("daemon");
    }

    @Test
    void root_and_the_allowed_user_are_served_another_user_is_refused() throws Exception {
        assertThat(helloAs("--reuid=0", "--regid=0", "--clear-groups")).contains("\"version\":1").doesNotContain("error\":{");
        assertThat(helloAs("--reuid=1", "--regid=1", "--clear-groups")).contains("\"version\":1").contains("\"cgroups\"");
        String refused = helloAs("--reuid=65534", "--regid=1", "--clear-groups");
        assertThat(refused).contains("\"code\":\"forbidden\"").contains("may not use the yoq node helper");
        assertThat(helloAs("--reuid=65534", "--regid=65534", "--clear-groups")).as("no group access at all")
                .contains("connect: Permission denied");
    }
}
