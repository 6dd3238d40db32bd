package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

/** Test helpers: load text as manifest.toml with a fixed environment. */
final class Manifests {

    static final Map<String, String> ENV = Map.of("IMAGE_TAG", "1.27", "EMPTY", "");

    private Manifests() {
    }

    static ManifestLoader.Result loadResult(String toml) {
        return ManifestLoader.parse(toml, "manifest.toml", "demo", ENV::get);
    }

    static Manifest load(String toml) {
        return loadResult(toml).manifest();
    }

    static List<Problem> problems(String toml) {
        try {
            return loadResult(toml).warnings();
        } catch (ManifestException e) {
            return e.problems();
        }
    }

    /** The errors as "Kind path: message" lines. */
    static List<String> errors(String toml) {
        return problems(toml).stream().filter(Problem::isError)
                .map(p -> p.kind() + " " + p.path() + ": " + p.message()).toList();
    }

    static List<String> warnings(String toml) {
        return problems(toml).stream().filter(p -> !p.isError()).map(p -> p.path() + ": " + p.message()).toList();
    }

    static void assertError(String toml, String kind) {
        assertThatThrownBy(() -> load(toml)).isInstanceOf(ManifestException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((ManifestException) e).errors())
                        .extracting(Problem::kind).contains(kind));
    }
}
