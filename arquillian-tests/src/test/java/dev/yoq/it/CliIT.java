package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real `yoq` launcher (bin/yoq) against the real server, as a user types it. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CliIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    record Run(int exit, String out, String err) {
    }

    static Run yoq(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(YoqServer.REPO.resolve("bin/yoq").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("YOQ_TOKEN");
        pb.environment().put("YOQ_HOME", YoqServer.DATA_DIR.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("yoq finished").isTrue();
        return new Run(p.exitValue(), out, err);
    }

    static String server() {
        return "127.0.0.1:" + YoqServer.PORT;
    }

    @Test
    void statusNodePrintsTheServersState() throws Exception {
        JsonNode http = YoqServer.json(YoqServer.get("/v1/node", YoqServer.token()));

        Run run = yoq(Map.of(), "status", "--node", "--server", server());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("node:           " + http.path("node_id").asText() + " (server)")
                .contains("ready:          yes")
                .contains("data dir:       " + YoqServer.DATA_DIR)
                .contains("schema version: " + http.path("schema_version").asInt());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void statusNodeAsJsonIsTheApisDocument() throws Exception {
        Run run = yoq(Map.of(), "--json", "status", "--node", "--server", server());

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode s = YoqServer.JSON.readTree(run.out());
        assertThat(s.path("node_id").asText()).matches("[0-9a-f]{12}");
        assertThat(s.path("version").asText()).isEqualTo(System.getProperty("yoq.test.version"));
    }

    @Test
    void tokenFromTheEnvironmentIsUsed() throws Exception {
        Run run = yoq(Map.of("YOQ_TOKEN", YoqServer.token(), "YOQ_HOME", "/nonexistent"), "status",
                "--server", server());

        assertThat(run.exit()).as(run.err()).isZero();
    }

    @Test
    void aWrongTokenIsAClearErrorWithExitCode1() throws Exception {
        Run run = yoq(Map.of(), "status", "--server", server(), "--token", "0".repeat(64));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: the server at " + server() + " refused the API token (401 unauthorized)")
                .contains("--token");
    }

    @Test
    void aSymlinkOnThePathRunsTheSameCli(@TempDir Path bin) throws Exception {
        Path link = Files.createSymbolicLink(bin.resolve("yoq"), YoqServer.REPO.resolve("bin/yoq"));
        ProcessBuilder pb = new ProcessBuilder(link.toString(), "status", "--node", "--server", server()).redirectErrorStream(true);
        pb.environment().put("YOQ_HOME", YoqServer.DATA_DIR.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("ready:          yes");
    }

    @Test
    void versionMatchesTheServers() throws Exception {
        Run run = yoq(Map.of(), "version");

        assertThat(run.exit()).isZero();
        assertThat(run.out().strip()).isEqualTo("yoq " + YoqServer.json(YoqServer.get("/version", null))
                .path("version").asText());
    }
}
