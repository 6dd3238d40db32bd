package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The four manifest media types, and the platform an index resolves to (linux/amd64 unless configured). */
class ManifestsTest {
    static final String A = "sha256:" + "a".repeat(64), B = "sha256:" + "b".repeat(64), C = "sha256:" + "c".repeat(64);
    static final String INDEX = "{\"schemaVersion\":2,\"mediaType\":\"" + Manifests.OCI_INDEX + "\",\"manifests\":["
            + "{\"mediaType\":\"" + Manifests.OCI_MANIFEST + "\",\"digest\":\"" + A + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
            + "{\"mediaType\":\"" + Manifests.OCI_MANIFEST + "\",\"digest\":\"" + B + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
            + "{\"mediaType\":\"" + Manifests.OCI_MANIFEST + "\",\"digest\":\"" + C + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}}]}";

    static Manifests.Parsed parse(String json, String contentType) throws Exception {
        return Manifests.parse(json.getBytes(StandardCharsets.UTF_8), contentType);
    }

    @Test
    void an_index_resolves_to_the_configured_platform_or_says_what_it_has() throws Exception {
        Manifests.Parsed index = parse(INDEX, null);
        assertThat(index.isIndex()).isTrue();
        assertThat(Manifests.pick(index, RegistrySettings.DEFAULT_PLATFORM).digest()).isEqualTo(A);
        assertThat(Manifests.pick(index, "linux/arm64/v8").digest()).isEqualTo(B);
        assertThat(Manifests.pick(index, "linux/arm64").digest()).as("no variant asked: any variant").isEqualTo(B);
        assertThatThrownBy(() -> Manifests.pick(index, "linux/s390x"))
                .hasMessage("the image has no linux/s390x variant (it has: linux/amd64, linux/arm64/v8, linux/arm/v7)");
        Manifests.Parsed list = parse(INDEX.replace(Manifests.OCI_INDEX, Manifests.DOCKER_LIST), null);
        assertThat(Manifests.pick(list, "linux/amd64").digest()).as("Docker manifest lists too").isEqualTo(A);
    }

    @Test
    void image_manifests_of_both_kinds_and_their_media_type_from_header_or_shape() throws Exception {
        String body = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + A
                + "\",\"size\":2},\"layers\":[{\"digest\":\"" + B + "\",\"size\":5}]}";
        assertThat(parse(body, null).mediaType()).as("inferred from the config type").isEqualTo(Manifests.DOCKER_MANIFEST);
        assertThat(parse(body, Manifests.OCI_MANIFEST + "; charset=utf-8").mediaType()).isEqualTo(Manifests.OCI_MANIFEST);
        assertThat(parse(body, null).layers()).extracting(Manifests.Descriptor::digest).containsExactly(B);
        assertThatThrownBy(() -> parse("{\"mediaType\":\"application/x-other\"}", null)).hasMessage("unsupported manifest media type application/x-other");
        assertThatThrownBy(() -> parse(body.replace(B, "sha256:../../etc"), null)).as("a digest never becomes a path").isInstanceOf(Exception.class);
    }
}
