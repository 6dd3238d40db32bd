package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile registry (a JDK HttpServer on loopback) sending the server on to a link-local address: by a redirect
 * or by its token realm. Refused before any connection is made (nothing here ever reaches 169.254/16).
 */
class RegistryHopsTest {
    @TempDir Path dir;

    static HttpServer registry(String redirectOr401, AtomicInteger hits) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/", x -> {
            hits.incrementAndGet();
            if (redirectOr401.equals("redirect")) {
                x.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
                x.sendResponseHeaders(302, -1);
            } else {
                x.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://169.254.169.254/token\",service=\"x\"");
                x.sendResponseHeaders(401, -1);
            }
            x.close();
        });
        s.start();
        return s;
    }

    @Test
    void a_redirect_to_a_link_local_address_is_refused() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer s = registry("redirect", hits);
        try {
            String host = "127.0.0.1:" + s.getAddress().getPort();
            RegistryClient client = new RegistryClient(r -> null, RegistrySettings.DEFAULTS);
            assertThatThrownBy(() -> client.pull(ImageReference.parse(host + "/x/y:1"), new BlobStore(dir.resolve("blobs"))))
                    .hasMessageContaining("link-local address (169.254.169.254); refused");
            assertThatThrownBy(() -> client.tags(ImageReference.parse(host + "/x/y"))).hasMessageContaining("link-local");
            assertThat(hits.get()).as("only the registry itself was asked").isEqualTo(2);
        } finally {
            s.stop(0);
        }
    }

    @Test
    void a_token_realm_on_a_link_local_address_is_refused() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer s = registry("401", hits);
        try {
            String host = "127.0.0.1:" + s.getAddress().getPort();
            RegistryClient client = new RegistryClient(r -> new RegistryClient.Credentials("u", "p"), RegistrySettings.DEFAULTS);
            assertThatThrownBy(() -> client.tags(ImageReference.parse(host + "/x/y"))).hasMessageContaining("http://169.254.169.254")
                    .hasMessageContaining("link-local");
            assertThatThrownBy(() -> client.login(host)).hasMessageContaining("link-local");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void hops_are_checked_by_address_and_the_operator_may_allow_one() throws Exception {
        assertThatThrownBy(() -> RegistryTargets.checkHop(URI.create("http://169.254.169.254/x"), Set.of())).hasMessageContaining("refused");
        assertThatThrownBy(() -> RegistryTargets.checkHop(URI.create("http://[fe80::1]:5000/x"), Set.of())).hasMessageContaining("link-local");
        RegistryTargets.checkHop(URI.create("http://169.254.1.1:5000/x"), Set.of("169.254.1.1:5000"));
        RegistryTargets.checkHop(URI.create("http://127.0.0.1:5000/x"), Set.of());
        assertThatThrownBy(() -> RegistryTargets.checkHop(URI.create("file:///etc/passwd"), Set.of())).hasMessageContaining("names no host");
    }
}
