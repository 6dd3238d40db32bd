package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties over generated and mutated manifests. */
class ManifestPropertiesTest {

    static String example(String name) {
        try {
            return Files.readString(Path.of("..", "examples", name, "manifest.toml"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final List<String> SEEDS = List.of(example("web-app"), example("http-routing"), example("cluster"),
            example("training"), example("cron"));

    /** Loading either succeeds or fails with located manifest errors: never another exception. */
    static void loadsOrFailsCleanly(String text) {
        try {
            ManifestLoader.parse(text, "manifest.toml", "app", Map.<String, String>of()::get);
        } catch (ManifestException e) {
            assertThat(e.errors()).isNotEmpty();
            e.errors().forEach(p -> {
                assertThat(p.kind()).isNotBlank();
                assertThat(p.message()).isNotBlank();
                assertThat(p.describe("manifest.toml")).startsWith("manifest.toml");
            });
        }
    }

    @Property(tries = 300)
    void mutatedExamplesNeverThrowAnythingButManifestErrors(@ForAll("seeds") String seed, @ForAll long randomSeed,
                                                           @ForAll @IntRange(min = 1, max = 8) int edits) {
        Random random = new Random(randomSeed);
        StringBuilder text = new StringBuilder(seed);
        String alphabet = "[]=\"'{},.#\n\\ $abc0123456789-_:";
        for (int i = 0; i < edits && text.length() > 0; i++) {
            int at = random.nextInt(text.length());
            switch (random.nextInt(3)) {
                case 0 -> text.deleteCharAt(at);
                case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        loadsOrFailsCleanly(text.toString());
    }

    @Property(tries = 200)
    void arbitraryTextNeverThrowsAnythingButManifestErrors(@ForAll("tomlish") String text) {
        loadsOrFailsCleanly(text);
    }

    @Property(tries = 200)
    void theHashDoesNotDependOnTableOrder(@ForAll("blocks") List<String> blocks, @ForAll long shuffleSeed) {
        List<String> shuffled = new ArrayList<>(blocks);
        Collections.shuffle(shuffled, new Random(shuffleSeed));

        String a = AppSnapshot.json(Manifests.load(String.join("\n", blocks)));
        String b = AppSnapshot.json(Manifests.load(String.join("\n", shuffled)));

        assertThat(AppSnapshot.hash(b)).isEqualTo(AppSnapshot.hash(a));
        assertThat(AppSnapshot.json(SnapshotReader.read(a))).isEqualTo(a);
    }

    @Provide
    Arbitrary<String> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Provide
    Arbitrary<String> tomlish() {
        Arbitrary<String> line = Arbitraries.oneOf(
                Arbitraries.of("[service.a]", "[service.a.health_check]", "[cron.c]", "[volume.v]", "[[x]]", "[service.a.http_proxy]"),
                Combinators.combine(Arbitraries.of("image", "ports", "every", "type", "port", "host", "env", "depends_on", "cpu"),
                        Arbitraries.of("\"x\"", "1", "-1", "1.5", "true", "[\"80:80\"]", "[\"a\"]", "{ a = 1 }", "\"1h\"", "[", "\"${A:-b}\""))
                        .as((k, v) -> k + " = " + v),
                Arbitraries.strings().ofMaxLength(20));
        return line.list().ofMaxSize(12).map(lines -> String.join("\n", lines));
    }

    @Provide
    Arbitrary<List<String>> blocks() {
        Arbitrary<String> image = Arbitraries.of("nginx:1.27", "redis:7", "postgres:16", "busybox");
        return Arbitraries.integers().between(1, 8).flatMap(n -> {
            List<Arbitrary<String>> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                parts.add(Combinators.combine(Arbitraries.of("service", "worker", "cron"), image,
                        Arbitraries.just(index)).as((kind, img, at) -> block(kind, "w" + at, img, at)));
            }
            return Combinators.combine(parts).as(list -> list);
        });
    }

    static String block(String kind, String name, String image, int index) {
        StringBuilder b = new StringBuilder("[").append(kind).append('.').append(name).append("]\nimage = \"").append(image).append("\"\n");
        switch (kind) {
            case "service" -> b.append("ports = [\"").append(10000 + index).append(":80\"]\nrestart = \"always\"\n[")
                    .append(kind).append('.').append(name).append(".health_check]\ntype = \"tcp\"\nport = 80\n");
            case "cron" -> b.append("every = \"").append(index + 1).append("m\"\n");
            default -> b.append("command = [\"run\", \"").append(name).append("\"]\n");
        }
        return b.toString();
    }
}
