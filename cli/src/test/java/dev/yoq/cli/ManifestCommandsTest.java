package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** validate, init and up --dry-run, in-process. */
class ManifestCommandsTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    int run(String... args) {
        return Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    Path write(String toml) throws Exception {
        return Files.writeString(dir.resolve("manifest.toml"), toml);
    }

    @Test
    void validateSaysWhatIsInAValidManifest() throws Exception {
        Path f = write("[service.web]\nimage = \"nginx\"\n[worker.w]\nimage = \"x\"\n[volume.v]\n");

        assertThat(run("validate", "-f", f.toString())).isZero();
        assertThat(out()).isEqualTo(f + " is valid (1 services, 1 workers, 0 crons, 0 training jobs, 1 volumes)\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void validateNamesTheLineOfEachError() throws Exception {
        Path f = write("[service.api]\nimage = \"x\"\nrestart = \"sometimes\"\n");

        assertThat(run("validate", "-f", f.toString())).isEqualTo(1);
        assertThat(err()).isEqualTo("error: " + f + ":3: service.api.restart: must be none, always or on_failure, got 'sometimes'\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void quietPrintsOnlyErrors() throws Exception {
        Path ok = write("[service.web]\nimage = \"nginx\"\nimgae = \"typo\"\n");
        assertThat(run("validate", "-q", "-f", ok.toString())).isZero();
        assertThat(out()).isEmpty();
        assertThat(err()).isEmpty();
    }

    @Test
    void aMissingFileSaysHowToStart() {
        assertThat(run("validate", "-f", dir.resolve("nope.toml").toString())).isEqualTo(1);
        assertThat(err()).contains("nope.toml: no such file (create one with: yoq init)");
    }

    @Test
    void initWritesAManifestThatValidatesAndNeverOverwrites() throws Exception {
        Path f = dir.resolve("manifest.toml");
        assertThat(run("init", "-f", f.toString())).isZero();
        assertThat(Files.readString(f)).contains("[service.app]\nimage = \"nginx:latest\"\nrestart = \"on_failure\"\n");

        out.reset();
        assertThat(run("validate", "-f", f.toString())).isZero();

        assertThat(run("init", "-f", f.toString())).isEqualTo(1);
        assertThat(err()).contains("already exists");
    }

    @Test
    void upChecksTheManifestAndTheNamedServicesBeforeItTalksToTheServer() throws Exception {
        Path f = write("app = \"shop\"\n[service.web]\nimage = \"n\"\ndepends_on = [\"db\"]\n[service.db]\nimage = \"p\"\n");
        assertThat(run("--server", "127.0.0.1:1", "up", "--dry-run", "-f", f.toString(), "ghost")).isEqualTo(1);
        assertThat(err()).contains("unknown service: ghost (services: web, db)");

        Path bad = write("[service.web]\nports = [\"99999:80\"]\n");
        assertThat(run("--server", "127.0.0.1:1", "up", "-f", bad.toString())).isEqualTo(1);
        assertThat(err()).contains("service.web.image: required").contains("ports must be 1-65535");

        assertThat(run("up", "--dev", "--dry-run", "-f", f.toString())).isEqualTo(1);
        assertThat(err()).contains("--dry-run and --dev cannot be combined");
    }

    @Test
    void upSaysClearlyWhenNoServerAnswers() throws Exception {
        Path f = write("[service.web]\nimage = \"n\"\n");
        assertThat(run("--server", "127.0.0.1:1", "up", "-f", f.toString())).isEqualTo(1);
        assertThat(err()).contains("cannot reach the yoq server at 127.0.0.1:1");
    }
}
