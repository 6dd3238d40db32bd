package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real registry what skopeo pushed; and from a lying one (a JDK HttpServer) what must be refused. */
class RegistryPullTest {
    @TempDir Path dir;

    RegistryClient client(RegistryClient.Credentials creds) {
        return new RegistryClient(registry -> creds, RegistrySettings.DEFAULTS);
    }

    @Test
    void pulls_what_skopeo_pushed_with_equal_digests_and_fetches_nothing_twice() throws Exception {
        RegistryFixture.requireTools();
        try (RegistryFixture registry = RegistryFixture.start(Files.createDirectories(dir.resolve("reg")), null, null)) {
            String digest = registry.pushBusybox("test/busybox:1", 3, null);
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            java.util.Map<String, Long> bytes = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.Set<String> layersStored = java.util.concurrent.ConcurrentHashMap.newKeySet();
            RegistryClient.Pulled pulled = client(null).pull(ImageReference.parse(registry.host() + "/test/busybox:1"), store, new TransferListener() {
                @Override public void bytes(String d, long n) { bytes.merge(d, n, Long::sum); }
                @Override public void layerStored(Manifests.Descriptor d) {
                    assertThat(store.has(d.digest())).as("a layer is handed over only once stored").isTrue();
                    layersStored.add(d.digest());
                }
            });
            assertThat(pulled.manifestDigest()).isEqualTo(digest);
            assertThat(client(null).digest(ImageReference.parse(registry.host() + "/test/busybox:1"))).as("HEAD gives the digest").isEqualTo(digest);
            registry.pushBusybox("test/busybox:2", 1, null);
            assertThat(client(null).tags(ImageReference.parse(registry.host() + "/test/busybox"))).containsExactlyInAnyOrder("1", "2");
            for (var layer : pulled.layers()) assertThat(bytes.get(layer.digest())).as("progress counted every byte").isEqualTo(layer.size());
            assertThat(layersStored).containsExactlyInAnyOrderElementsOf(pulled.layers().stream().map(Manifests.Descriptor::digest).toList());
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

    @Test
    void tag_list_pages_follow_the_link_header() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/team/app");
        assertThat(RegistryClient.nextPage("</v2/team/app/tags/list?last=b&n=2>; rel=\"next\"", ref)).isEqualTo("/tags/list?last=b&n=2");
        assertThat(RegistryClient.nextPage(null, ref)).isNull();
        assertThat(RegistryClient.nextPage("</v2/other/tags/list?last=b>; rel=\"next\"", ref)).as("only this repository's list").isNull();
    }

    /** A registry on a non-loopback address: HTTPS unless it is listed as insecure or the pull says --insecure. */
    @Test
    void plain_http_to_a_non_loopback_registry_only_when_allowed() throws Exception {
        RegistryFixture.requireTools();
        String address = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> !i.getName().equals("lo")).flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).map(java.net.InetAddress::getHostAddress)
                .findFirst().orElse(null);
        if (address == null) System.err.println("*** SKIPPED insecure-registry test: this machine has no non-loopback IPv4 address ***");
        org.junit.jupiter.api.Assumptions.assumeTrue(address != null);
        try (RegistryFixture registry = RegistryFixture.start(Files.createDirectories(dir.resolve("reg")), null, null, address)) {
            String digest = registry.pushBusybox("lan/app:1", 1, null);
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            ImageReference ref = ImageReference.parse(registry.host() + "/lan/app:1");
            assertThatThrownBy(() -> client(null).pull(ref, store)).as("HTTPS is tried, and the plain-HTTP registry cannot answer it")
                    .isInstanceOf(java.io.IOException.class);
            assertThat(new RegistryClient(r -> null, RegistrySettings.DEFAULTS.allowingPlainHttp(registry.host())).pull(ref, store)
                    .manifestDigest()).isEqualTo(digest);
        }
    }

    @Test
    void token_auth_registries_are_answered_through_their_token_service_for_pull_push_and_login() throws Exception {
        RegistryFixture.requireTools();
        var good = new RegistryClient.Credentials("carol", "t0ken");
        try (TokenIssuer issuer = new TokenIssuer(Files.createDirectories(dir.resolve("issuer")), "carol", "t0ken");
             RegistryFixture registry = RegistryFixture.startWithTokens(Files.createDirectories(dir.resolve("reg")), issuer)) {
            String digest = registry.pushBusybox("team/app:1", 2, "carol:t0ken");
            BlobStore store = new BlobStore(dir.resolve("blobs/sha256"));
            ImageReference ref = ImageReference.parse(registry.host() + "/team/app:1");
            assertThatThrownBy(() -> client(null).pull(ref, store)).hasMessageContaining("wants credentials: run yoq login " + registry.host());
            assertThatThrownBy(() -> client(new RegistryClient.Credentials("carol", "nope")).pull(ref, store))
                    .hasMessageContaining("refused the credentials").hasMessageNotContaining("nope");
            assertThat(store.list()).as("nothing stored by refused pulls").isEmpty();

            int before = issuer.tokensIssued.get();
            RegistryClient.Pulled pulled = client(good).pull(ref, store);
            assertThat(pulled.manifestDigest()).isEqualTo(digest);
            assertThat(issuer.tokensIssued.get() - before).as("one token serves the whole pull").isEqualTo(1);
            client(good).login(registry.host());

            RegistryPusher.Pushed pushed = new RegistryPusher(r -> good, 64L << 20)
                    .push(ImageReference.parse(registry.host() + "/team/copy:2"), ref, digest, store);
            assertThat(pushed.mounted()).as("a token with pull on the source lets the registry mount").isEqualTo(3);
            assertThat(RegistryFixture.run(dir, "skopeo", "inspect", "--tls-verify=false", "--creds", "carol:t0ken", "--format", "{{.Digest}}",
                    "docker://" + registry.host() + "/team/copy:2").strip()).isEqualTo(digest);
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
