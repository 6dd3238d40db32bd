package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AcmeIssuer} against a real CA: pebble (Debian's package) on loopback ports of the test's own, its DNS
 * answered by pebble-challtestsrv. HTTP-01 answers are served by a JDK HTTP server on pebble's validation port,
 * DNS-01 records are published by an exec hook ({@link AcmeDnsHook}) calling challtestsrv. Skipped loudly when
 * pebble is not installed; the unreachable-CA case needs no pebble and always runs.
 */
@Timeout(180)
class AcmeIssuerTest {
    @TempDir
    static Path dir;
    static Pebble pebble;
    static HttpServer http;
    static final Map<String, String> answers = new ConcurrentHashMap<>();
    static final KeyPair account = AcmeKeys.generate();

    @BeforeAll
    static void start() throws Exception {
        if (Pebble.missing() != null) return;
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/.well-known/acme-challenge/", ex -> {
            String token = ex.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length());
            String answer = answers.get(token);
            byte[] body = answer == null ? new byte[0] : answer.getBytes(StandardCharsets.US_ASCII);
            ex.sendResponseHeaders(answer == null ? 404 : 200, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        pebble = new Pebble(dir, http.getAddress().getPort());
    }

    @AfterAll
    static void stop() {
        if (pebble != null) pebble.close();
        if (http != null) http.stop(0);
    }

    static void requirePebble() {
        String missing = Pebble.missing();
        if (missing != null) System.err.println("*** SKIPPED AcmeIssuerTest: " + missing + " ***");
        Assumptions.assumeTrue(missing == null, missing);
    }

    AcmeIssuer.Request request(String domain, AcmeIssuer.Challenges challenges) {
        return new AcmeIssuer.Request(pebble.directory(), pebble.tlsCertPem, account, "ops@yoq.test", domain, challenges, Duration.ofSeconds(90));
    }

    /** Serves what the issuer presents, and records that it took each answer down again. */
    static final class Served implements AcmeIssuer.Http01 {
        final List<String> presented = new ArrayList<>(), cleaned = new ArrayList<>();

        @Override
        public void present(String token, String keyAuthorization) {
            presented.add(token);
            answers.put(token, keyAuthorization);
        }

        @Override
        public void cleanup(String token) {
            cleaned.add(token);
            answers.remove(token);
        }
    }

    @Test
    void http01_issues_a_chain_that_verifies_against_pebbles_root_covers_the_domain_and_matches_its_key() throws Exception {
        requirePebble();
        Served served = new Served();
        AcmeIssuer.Issued issued = AcmeIssuer.issue(request("web.yoq.test", served));

        assertThat(served.presented).hasSize(1).isEqualTo(served.cleaned);
        assertThat(answers).isEmpty();
        assertThat(issued.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
        // the store's own check: the key is the leaf's, the leaf covers the domain and has not expired
        CertificatePem.Checked checked = CertificatePem.check("web.yoq.test", issued.certPem(), issued.keyPem(), Instant.now());
        assertThat(checked.notAfter()).isEqualTo(issued.notAfter()).isGreaterThan(Instant.now().getEpochSecond());
        verifiesAgainstPebblesRoot(issued.certPem());
        assertThat(issued.accountUrl()).startsWith("https://localhost:" + pebble.acmePort + "/");
    }

    @Test
    void dns01_through_the_exec_hook_issues_a_wildcard_and_the_hook_sees_the_spec_environment() throws Exception {
        requirePebble();
        Assumptions.assumeTrue(Pebble.onPath("curl"), "the DNS-01 hook calls challtestsrv with curl");
        Path log = dir.resolve("hook.log");
        Path hook = Files.writeString(dir.resolve("hook.sh"), String.join("\n", "#!/bin/sh", "log=\"$1\"; mgmt=\"$2\"; action=\"$3\"",
                "echo \"$action|$YOQ_ACME_CHALLENGE|$YOQ_ACME_ACTION|$YOQ_ACME_DOMAIN|$YOQ_ACME_RECORD|$YOQ_ACME_VALUE|$YOQ_ACME_DIRECTORY_URL\" >> \"$log\"",
                "case \"$action\" in",
                "  present) curl -sf -X POST -d \"{\\\"host\\\":\\\"$YOQ_ACME_RECORD\\\",\\\"value\\\":\\\"$YOQ_ACME_VALUE\\\"}\" \"$mgmt/set-txt\" ;;",
                "  cleanup) curl -sf -X POST -d \"{\\\"host\\\":\\\"$YOQ_ACME_RECORD\\\"}\" \"$mgmt/clear-txt\" ;;",
                "esac", ""));
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        String directory = pebble.directory().toString();
        AcmeDnsHook dns = new AcmeDnsHook(List.of(hook.toString(), log.toString(), pebble.challManagement()), "*.wild.yoq.test", directory,
                Duration.ofMillis(200));

        AcmeIssuer.Issued issued = AcmeIssuer.issue(request("*.wild.yoq.test", dns));

        CertificatePem.check("*.wild.yoq.test", issued.certPem(), issued.keyPem(), Instant.now());
        verifiesAgainstPebblesRoot(issued.certPem());
        List<String> calls = Files.readAllLines(log);
        assertThat(calls).hasSize(2);
        String[] present = calls.get(0).split("\\|", -1), cleanup = calls.get(1).split("\\|", -1);
        assertThat(present).containsExactly("present", "dns-01", "present", "*.wild.yoq.test", "_acme-challenge.wild.yoq.test.", present[5], directory);
        assertThat(present[5]).matches("[A-Za-z0-9_-]{43}");   // base64url SHA-256 of the key authorization
        assertThat(cleanup).containsExactly("cleanup", "dns-01", "cleanup", "*.wild.yoq.test", "_acme-challenge.wild.yoq.test.", present[5], directory);
    }

    @Test
    void the_same_account_key_finds_the_same_account() throws Exception {
        requirePebble();
        String first = AcmeIssuer.issue(request("a.yoq.test", new Served())).accountUrl();
        assertThat(AcmeIssuer.issue(request("b.yoq.test", new Served())).accountUrl()).isEqualTo(first);
    }

    @Test
    void an_unanswered_challenge_fails_naming_the_order_the_challenge_and_pebbles_reason() {
        requirePebble();
        AcmeIssuer.Http01 silent = new AcmeIssuer.Http01() {
            @Override
            public void present(String token, String keyAuthorization) {
                // serves nothing: the CA gets a 404
            }

            @Override
            public void cleanup(String token) {
            }
        };
        assertThatThrownBy(() -> AcmeIssuer.issue(request("silent.yoq.test", silent)))
                .isInstanceOf(AcmeIssuer.AcmeFailure.class)
                .hasMessageStartingWith("ACME order for silent.yoq.test: challenge http-01 invalid: ")
                .hasMessageContaining("404");
    }

    @Test
    void a_dns_answer_that_cannot_be_published_fails_the_order_and_is_cleaned_up() {
        requirePebble();
        List<String> cleaned = new ArrayList<>();
        AcmeIssuer.Dns01 failing = new AcmeIssuer.Dns01() {
            @Override
            public void present(String recordName, String value) throws java.io.IOException {
                throw new java.io.IOException("dns hook /bin/hook present exited with status 3: zone not found");
            }

            @Override
            public void cleanup(String recordName, String value) {
                cleaned.add(recordName);
            }
        };
        assertThatThrownBy(() -> AcmeIssuer.issue(request("broken.yoq.test", failing)))
                .isInstanceOf(AcmeIssuer.AcmeFailure.class)
                .hasMessage("ACME order for broken.yoq.test: cannot present the dns-01 answer: dns hook /bin/hook present exited with status 3: zone not found");
        assertThat(cleaned).containsExactly("_acme-challenge.broken.yoq.test.");
    }

    @Test
    void an_unreachable_directory_is_named_at_once() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        URI directory = URI.create("https://127.0.0.1:" + closed + "/dir");
        long start = System.nanoTime();
        assertThatThrownBy(() -> AcmeIssuer.issue(new AcmeIssuer.Request(directory, null, account, "ops@yoq.test", "x.yoq.test",
                new Served(), Duration.ofSeconds(60))))
                .isInstanceOf(AcmeIssuer.AcmeFailure.class)
                .hasMessageStartingWith("cannot reach ACME directory " + directory + ": ")
                .hasMessage("cannot reach ACME directory " + directory + ": connection refused: nothing listening, or the host is unreachable")
                .satisfies(e -> assertThat(((AcmeIssuer.AcmeFailure) e).unreachable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void a_ca_whose_tls_is_not_trusted_is_refused() {
        requirePebble();
        // the extra CA is what makes pebble's directory readable: without it, the JDK's CAs do not know pebble's
        assertThatThrownBy(() -> AcmeIssuer.issue(new AcmeIssuer.Request(pebble.directory(), null, account, "ops@yoq.test", "x.yoq.test",
                new Served(), Duration.ofSeconds(30))))
                .isInstanceOf(AcmeIssuer.AcmeFailure.class)
                .hasMessageStartingWith("cannot reach ACME directory " + pebble.directory() + ": ")
                .hasMessageContaining("TLS handshake failed").hasMessageContaining("unable to find valid certification path");
    }

    static void verifiesAgainstPebblesRoot(String chainPem) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        for (var c : x509.generateCertificates(new ByteArrayInputStream(chainPem.getBytes(StandardCharsets.US_ASCII)))) {
            chain.add((X509Certificate) c);
        }
        X509Certificate root = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(pebble.rootPem().getBytes(StandardCharsets.US_ASCII)));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(x509.generateCertPath(chain), params);   // throws when it does not chain
    }
}
