package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the API speaks HTTPS, what `server start` writes for it, and what the CLI refuses to send in the clear. */
class ApiTlsTest {
    @TempDir
    Path data;

    @Test
    void httpsBeyondLoopbackUnlessTheOperatorAcceptsPlainHttpAndClusterServersStayPlainWithAWarning() {
        assertThat(ApiTls.decide(Map.of(), "127.0.0.1", false)).isEqualTo(new ApiTls.Mode(false, null));
        assertThat(ApiTls.decide(Map.of("YOQ_API_TLS", "on"), "127.0.0.1", false).tls()).isTrue();
        assertThat(ApiTls.decide(Map.of(), "0.0.0.0", false)).isEqualTo(new ApiTls.Mode(true, null));
        assertThat(ApiTls.decide(Map.of(), "10.0.0.5", false).tls()).isTrue();
        ApiTls.Mode allowed = ApiTls.decide(Map.of("YOQ_API_PLAIN_HTTP", "1"), "0.0.0.0", false);
        assertThat(allowed.tls()).isFalse();
        assertThat(allowed.warning()).contains("plain HTTP", "YOQ_API_PLAIN_HTTP=1");
        ApiTls.Mode cluster = ApiTls.decide(Map.of(), "0.0.0.0", true);
        assertThat(cluster.tls()).isFalse();
        assertThat(cluster.warning()).contains("not built yet");
        assertThat(ApiTls.decide(Map.of("YOQ_API_TLS", "on"), "0.0.0.0", true).tls()).as("its peers and agents speak plain HTTP").isFalse();
    }

    @Test
    void loopbackIsLocalhostOrALoopbackLiteralNeverANameThatLooksLikeOne() {
        for (String yes : new String[] {"127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]", "LOCALHOST"}) {
            assertThat(ApiTls.loopback(yes)).as(yes).isTrue();
        }
        for (String no : new String[] {"127.0.0.1.nip.io", "127.attacker.example", "localhost.", "10.0.0.5", "::ffff:10.0.0.1", "1270.0.0.1", "example.com"}) {
            assertThat(ApiTls.loopback(no)).as(no).isFalse();
        }
        assertThat(ApiTls.wildcard("*")).isTrue();
        assertThat(ApiTls.wildcard("::")).isTrue();
        assertThat(ApiTls.wildcard("10.0.0.5")).isFalse();
    }

    @Test
    void badExtraNamesAndAHalfGivenOperatorCertificateAreClearErrors() {
        assertThatThrownBy(() -> ApiTls.enable(data, "10.1.2.3", Map.of("YOQ_API_TLS_SANS", "ok.example,bad name")))
                .isInstanceOf(CliException.class).hasMessageContaining("YOQ_API_TLS_SANS: bad name is neither");
        assertThatThrownBy(() -> ApiTls.enable(data, "10.1.2.3", Map.of("YOQ_API_TLS_CERT", "/x.pem")))
                .isInstanceOf(CliException.class).hasMessageContaining("go together");
    }

    @Test
    void theOperatorsCertificateIsCheckedAsCertInstallChecksOneAndItsLastCertificateIsWhatClientsTrust() throws Exception {
        var ca = dev.yoq.security.mtls.ServiceCa.createCa("ops-ca", java.time.Instant.now());
        var server = dev.yoq.security.mtls.ServiceCa.issueServer(ca, "api", List.of("10.1.2.3"), List.of(), java.time.Duration.ofDays(30), java.time.Instant.now());
        var other = dev.yoq.security.mtls.ServiceCa.issueServer(ca, "api", List.of("10.1.2.3"), List.of(), java.time.Duration.ofDays(30), java.time.Instant.now());
        Path chain = Files.writeString(data.resolve("chain.pem"), server.certPem() + ca.certPem());
        Path wrongKey = Files.writeString(data.resolve("wrong.key"), other.keyPem());
        assertThatThrownBy(() -> ApiTls.enable(data, "10.1.2.3", Map.of("YOQ_API_TLS_CERT", chain.toString(), "YOQ_API_TLS_KEY", wrongKey.toString())))
                .isInstanceOf(CliException.class).hasMessageContaining("the key does not match the certificate");
        Path key = Files.writeString(data.resolve("api.key"), server.keyPem());
        ApiTls.enable(data, "10.1.2.3", Map.of("YOQ_API_TLS_CERT", chain.toString(), "YOQ_API_TLS_KEY", key.toString()));
        assertThat(dev.yoq.security.mtls.ServiceCa.parse(Files.readString(data.resolve("tls").resolve("api-ca.crt")))).isEqualTo(ca.cert());
    }

    @Test
    void aReusedCertificateThatNoLongerNamesTheAddressIsWarnedAbout() throws Exception {
        ApiTls.enable(data, "127.0.0.1", Map.of());
        assertThat(ApiTls.staleCertificate(data, "127.0.0.1")).isNull();
        assertThat(ApiTls.staleCertificate(data, "10.9.8.7")).contains("does not name 10.9.8.7", "remove");
        assertThat(ApiTls.staleCertificate(data, "0.0.0.0")).as("every address: not checkable").isNull();
    }

    @Test
    void theCaSignsAServerCertificateForTheAddressesAndItsKeyStaysOwnerOnly() throws Exception {
        ApiTls.enable(data, "10.1.2.3", Map.of("YOQ_API_TLS_SANS", "api.example.test,192.0.2.7"));
        Path dir = data.resolve("tls");
        X509Certificate ca = dev.yoq.security.mtls.ServiceCa.parse(Files.readString(dir.resolve("api-ca.crt")));
        String password = Files.readString(dir.resolve(".password")).strip();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve("api.p12"))) {
            ks.load(in, password.toCharArray());
        }
        X509Certificate server = (X509Certificate) ks.getCertificate("yoq-api");
        server.verify(ca.getPublicKey());
        assertThat(server.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                .contains("127.0.0.1", "10.1.2.3", "192.0.2.7", "localhost", "api.example.test");
        for (String f : new String[] {"api.p12", ".password", "liberty-tls.xml"}) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f))).as(f).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(dir.resolve("liberty-tls.xml"))).contains("transportSecurity-1.0", "httpPort=\"-1\"", password);
        assertThat(ApiTls.localServerTls(data)).isTrue();

        ApiTls.enable(data, "10.1.2.3", Map.of());
        assertThat(dev.yoq.security.mtls.ServiceCa.parse(Files.readString(dir.resolve("api-ca.crt")))).as("kept across starts").isEqualTo(ca);
        ApiTls.disable(data);
        assertThat(ApiTls.localServerTls(data)).isFalse();
        assertThat(dir.resolve("api-ca.crt")).exists();
    }

    @Test
    void aTokenNeverGoesOverPlainHttpBeyondLoopback() {
        assertThatThrownBy(() -> ApiTransport.forServer(ServerAddress.parse("http://10.0.0.5:7700"), true, Map.of(), data))
                .isInstanceOf(CliException.class).hasMessageContaining("refusing to send the API token over plain HTTP to 10.0.0.5:7700");
        assertThat(ApiTransport.forServer(ServerAddress.parse("http://10.0.0.5:7700"), true, Map.of("YOQ_API_PLAIN_HTTP", "1"), data)).isNull();
        assertThat(ApiTransport.forServer(ServerAddress.parse("10.0.0.5:7700"), true, Map.of("YOQ_API_PLAIN_HTTP", "1"), data)).isNull();
        assertThat(ApiTransport.forServer(ServerAddress.parse("http://10.0.0.5:7700"), false, Map.of(), data)).as("no token to leak").isNull();
        assertThat(ApiTransport.forServer(ServerAddress.parse("127.0.0.1:7700"), true, Map.of(), data)).as("loopback, local server plain").isNull();
        assertThatThrownBy(() -> ApiTransport.forServer(ServerAddress.parse("10.0.0.5:7700"), true, Map.of(), data))
                .as("beyond loopback: HTTPS, and a CA to verify it with").hasMessageContaining("no CA to verify 10.0.0.5:7700");
        assertThatThrownBy(() -> ApiTransport.forServer(ServerAddress.parse("http://127.0.0.1.nip.io:7700"), true, Map.of(), data))
                .as("a name is not loopback").hasMessageContaining("refusing to send the API token");
    }
}
