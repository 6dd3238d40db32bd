package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real registry what skopeo pushed; and from a lying one (a JDK HttpServer) what must be refused. */
class RegistryPullTest {
    @TempDir Path dir;

    RegistryClient client(RegistryClient.Credentials creds) {
        return new RegistryClient(registry -> creds, Set.of(), "linux/amd64");
    }

    @Test
    void pulls_what_skopeo_pushed_with_equal_digests_and_fetches_nothing_twice() throws Exception {
        RegistryFixture.requireTools();
        try (RegistryFixture registry = RegistryFixture.start(Files.createDirectories(dir.resolve("reg")), null, null)) {
            String digest = registry.pushBusybox("test/busybox:1", 3, null);
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            RegistryClient.Pulled pulled = client(null).pull(ImageReference.parse(registry.host() + "/test/busybox:1"), store);
            assertThat(pulled.manifestDigest()).isEqualTo(digest);
            assertThat(pulled.layers()).hasSize(3);
            assertThat(pulled.blobsFetched()).isEqualTo(4);   // config + 3 layers
            assertThat(store.list()).contains(digest, pulled.configDigest()).hasSize(5);
            for (var layer : pulled.layers()) assertThat(store.size(layer.digest())).isEqualTo(layer.size());

            RegistryClient.Pulled again = client(null).pull(ImageReference.parse(registry.host() + "/test/busybox@" + digest), store);
            assertThat(again.blobsFetched()).as("an image already present transfers no blobs").isZero();
            assertThatThrownBy(() -> client(null).pull(ImageReference.parse(registry.host() + "/test/nothing:1"), store))
                    .hasMessageContaining("not found");
        }
    }

    @Test
    void what_yoq_pushes_skopeo_pulls_with_equal_digests_mounting_or_uploading_in_chunks() throws Exception {
        RegistryFixture.requireTools();
        try (RegistryFixture one = RegistryFixture.start(Files.createDirectories(dir.resolve("one")), null, null);
             RegistryFixture two = RegistryFixture.start(Files.createDirectories(dir.resolve("two")), "bob", "pw")) {
            String digest = one.pushBusybox("src/app:1", 2, null);
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            ImageReference source = ImageReference.parse(one.host() + "/src/app:1");
            client(null).pull(source, store);

            RegistryPusher.Pushed mounted = new RegistryPusher(r -> null, 64L << 20)
                    .push(ImageReference.parse(one.host() + "/copy/app:2"), source, digest, store);
            assertThat(mounted.mounted()).as("same registry: blobs mounted, not uploaded").isEqualTo(3);
            assertThat(RegistryFixture.run(dir, "skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                    "docker://" + one.host() + "/copy/app:2").strip()).isEqualTo(digest);

            RegistryPusher.Pushed uploaded = new RegistryPusher(r -> new RegistryClient.Credentials("bob", "pw"), 256 << 10)
                    .push(ImageReference.parse(two.host() + "/dest/app:3"), source, digest, store);
            assertThat(uploaded.uploaded()).isEqualTo(3);
            RegistryFixture.run(dir, "skopeo", "copy", "--quiet", "--src-tls-verify=false", "--src-creds", "bob:pw",
                    "docker://" + two.host() + "/dest/app:3", "oci:" + dir.resolve("back") + ":t");
            assertThat(RegistryFixture.run(dir, "skopeo", "inspect", "--tls-verify=false", "--creds", "bob:pw", "--format", "{{.Digest}}",
                    "docker://" + two.host() + "/dest/app:3").strip()).isEqualTo(digest);
            RegistryPusher.Pushed again = new RegistryPusher(r -> new RegistryClient.Credentials("bob", "pw"), 256 << 10)
                    .push(ImageReference.parse(two.host() + "/dest/app:3"), source, digest, store);
            assertThat(again.skipped()).as("blobs the registry has are not sent again").isEqualTo(3);
        }
    }

    @Test
    void basic_auth_registries_need_and_take_credentials() throws Exception {
        RegistryFixture.requireTools();
        try (RegistryFixture registry = RegistryFixture.start(Files.createDirectories(dir.resolve("reg")), "alice", "s3cret")) {
            String digest = registry.pushBusybox("private/app:2", 1, "alice:s3cret");
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            ImageReference ref = ImageReference.parse(registry.host() + "/private/app:2");
            assertThatThrownBy(() -> client(null).pull(ref, store)).hasMessageContaining("wants credentials: run yoq login " + registry.host());
            assertThatThrownBy(() -> client(new RegistryClient.Credentials("alice", "wrong")).pull(ref, store)).hasMessageContaining("refused the credentials");
            assertThat(client(new RegistryClient.Credentials("alice", "s3cret")).pull(ref, store).manifestDigest()).isEqualTo(digest);
            client(new RegistryClient.Credentials("alice", "s3cret")).login(registry.host());
            assertThatThrownBy(() -> client(new RegistryClient.Credentials("alice", "nope")).login(registry.host()))
                    .hasMessageContaining("refused the credentials").hasMessageNotContaining("nope");
        }
    }

    /** A registry that serves one manifest and one layer whose bytes do not match what the manifest says. */
    @Test
    void lying_registries_are_caught_and_leave_nothing_in_the_store() throws Exception {
        byte[] layer = "not what you asked for".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String claimed = "sha256:" + "ab".repeat(32);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + Manifests.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + BlobStore.digestOf(config) + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + claimed + "\",\"size\":" + layer.length + "}]}";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            if (path.endsWith("/manifests/cut")) body = manifest.replace(claimed, BlobStore.digestOf("0123456789".getBytes())).getBytes(StandardCharsets.UTF_8);
            else if (path.endsWith(BlobStore.digestOf("0123456789".getBytes()))) {
                ex.sendResponseHeaders(200, 10);   // promises 10 bytes, sends 4, hangs up
                ex.getResponseBody().write("0123".getBytes());
                ex.getResponseBody().flush();
                ex.close();
                return;
            } else if (path.endsWith("/manifests/ok")) body = manifest.getBytes(StandardCharsets.UTF_8);
            else if (path.endsWith("/manifests/strange")) body = "{\"schemaVersion\":1,\"mediaType\":\"application/x-strange\"}".getBytes();
            else if (path.endsWith("/manifests/huge")) {
                ex.sendResponseHeaders(200, (11L << 20));
                ex.getResponseBody().close();
                return;
            } else if (path.endsWith(BlobStore.digestOf(config))) body = config;
            else if (path.endsWith(claimed)) body = layer;
            else body = null;
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.getResponseHeaders().add("Content-Type", Manifests.OCI_MANIFEST);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        try {
            String host = "127.0.0.1:" + server.getAddress().getPort();
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            assertThatThrownBy(() -> client(null).pull(ImageReference.parse(host + "/evil/app:ok"), store))
                    .hasMessageContaining("digest mismatch for " + claimed);
            assertThat(store.has(claimed)).isFalse();
            assertThatThrownBy(() -> client(null).pull(ImageReference.parse(host + "/evil/app:cut"), store))
                    .isInstanceOf(java.io.IOException.class);
            assertThat(store.has(BlobStore.digestOf("0123456789".getBytes()))).as("a truncated blob is not stored").isFalse();
            assertThatThrownBy(() -> client(null).pull(ImageReference.parse(host + "/evil/app:strange"), store))
                    .hasMessageContaining("unsupported manifest media type application/x-strange");
            assertThatThrownBy(() -> client(null).pull(ImageReference.parse(host + "/evil/app:huge"), store))
                    .hasMessageContaining("larger than the limit of 10 MiB");
            try (var left = Files.list(dir.resolve("blobs/sha256"))) {
                assertThat(left.filter(p -> p.getFileName().toString().startsWith(".")).toList()).as("no partial files").isEmpty();
            }
        } finally {
            server.stop(0);
        }
    }
}
