package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `yoq validate` through the real launcher, with no server running for it. */
class ValidateCliIT {

    static Stream<String> examples() throws Exception {
        try (Stream<Path> dirs = Files.list(YoqServer.REPO.resolve("examples"))) {
            return dirs.map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExamplePassesValidateQuietly(String example) throws Exception {
        CliIT.Run run = CliIT.yoq(Map.of(), "validate", "-q", "-f",
                YoqServer.REPO.resolve("examples").resolve(example).resolve("manifest.toml").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
    }

    @Test
    void initAsksItsFourQuestionsOnATerminal(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("manifest.toml");
        // script(1) gives yoq a terminal, as a user typing the answers would
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", YoqServer.REPO.resolve("bin/yoq") + " init -f " + f, "/dev/null")
                .redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().write("shop\nweb\nnginx:1.27\n8080\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("project name [").contains("service name [app]: ").contains("image [nginx:latest]: ")
                .contains("port [none]: ");
        assertThat(Files.readString(f)).contains("app = \"shop\"").contains("[service.web]\nimage = \"nginx:1.27\"\n"
                + "ports = [\"8080:8080\"]\nrestart = \"on_failure\"\n");
        assertThat(CliIT.yoq(Map.of(), "validate", "-q", "-f", f.toString()).exit()).isZero();
    }

    @Test
    void anInvalidManifestFailsWithTheLineAndField(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("manifest.toml"), "[service.api]\nimage = \"x\"\nports = [\"80:99999\"]\n");

        CliIT.Run run = CliIT.yoq(Map.of(), "validate", "-f", f.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: " + f + ":3: service.api.ports: '80:99999': ports must be 1-65535\n");
    }
}
