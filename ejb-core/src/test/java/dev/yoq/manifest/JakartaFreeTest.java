package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The CLI loads dev.yoq.manifest without a Jakarta runtime: the package must not import one. */
class JakartaFreeTest {

    @Test
    void theManifestPackageImportsNoJakartaOrMicroProfileType() throws Exception {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/yoq/manifest"))) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    String text = Files.readString(f);
                    return text.contains("import jakarta.") || text.contains("import org.eclipse.microprofile.");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
        assertThat(offenders).isEmpty();
        assertThat(Path.of("src/main/java/dev/yoq/manifest/ManifestLoader.java")).exists();
    }
}
