package dev.yoq.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Service mTLS end to end (privileged lane): a service with {@code tls.peer = "require"} gets its leaf, key and the
 * service CA as files in its container; curl through yoq-proxy's TLS listener gets in with those files and is
 * refused without a certificate (403), with one from another CA (the handshake fails), and over plain HTTP (403); {@code warn} lets a caller without
 * one in. The CA and the leaf are shown by the API and the CLI without their keys.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServiceMtlsIT {
    static final String R = Long.toHexString(System.nanoTime() & 0xffffff);
    static final String APP = "mt" + R, DOMAIN = "mtls-" + R + ".test", HTTPS = "https://" + DOMAIN + ":17743/";
    @TempDir static Path tmp;
    static Process helper;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return YoqServer.ear();
    }

    @BeforeAll
    static void start() throws Exception {
        helper = PrivilegedLane.start("ServiceMtlsIT", tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (helper != null) {
            PrivilegedLane.yoq("down", "--app", APP);
            PrivilegedLane.yoq("cert", "rm", DOMAIN);
        }
        PrivilegedLane.stop("ServiceMtlsIT", helper);
    }

    static Path manifest(String peer) throws Exception {
        String m = "app = \"" + APP + "\"\n[service.web]\nimage = \"" + PrivilegedLane.rootfs(tmp) + "\"\n"
                + "command = [\"sh\", \"-c\", \"mkdir -p /tmp/w && echo mtls ok > /tmp/w/index.html && trap 'exit 0' TERM; httpd -f -p 8080 -h /tmp/w & wait\"]\n"
                + "ports = [\"18481:8080\"]\n[service.web.http_proxy]\nhost = \"" + DOMAIN + "\"\npath_prefix = \"/\"\n"
                + "[service.web.tls]\ndomain = \"" + DOMAIN + "\"\npeer = \"" + peer + "\"\n";
        return Files.writeString(tmp.resolve("mtls-" + peer + ".toml"), m);
    }

    /** A self-signed EC certificate and key made by openssl: the proxy's server certificate, or a stranger's client one. */
    static Path[] selfSigned(String name, String san) throws Exception {
        Path crt = tmp.resolve(name + ".crt"), key = tmp.resolve(name + ".key");
        CliIT.Run r = EdgeAppIT.run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san, "-days", "2", "-keyout", key.toString(), "-out", crt.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return new Path[] {crt, key};
    }

    static CliIT.Run curl(Path serverCa, String... extra) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("curl", "-sS", "--max-time", "5", "--cacert", serverCa.toString(),
                "--resolve", DOMAIN + ":17743:127.0.0.1", "-w", "\n%{http_code}"));
        cmd.addAll(java.util.List.of(extra));
        cmd.add(HTTPS);
        return EdgeAppIT.run(cmd.toArray(String[]::new));
    }

    /** Retries until the answer ends with {@code want} (the proxy follows the server's table within a second or so). */
    static CliIT.Run awaitCurl(String want, Path serverCa, String... extra) throws Exception {
        long until = System.currentTimeMillis() + 30_000;
        CliIT.Run r;
        do {
            r = curl(serverCa, extra);
            if (r.out().endsWith(want)) return r;
            Thread.sleep(300);
        } while (System.currentTimeMillis() < until);
        return r;
    }

    @Test
    void a_service_requiring_peers_admits_a_caller_with_its_ca_certificate_only_and_warn_admits_any() throws Exception {
        Path[] server = selfSigned(DOMAIN, "DNS:" + DOMAIN);
        CliIT.Run install = PrivilegedLane.yoq("cert", "install", DOMAIN, "--cert", server[0].toString(), "--key", server[1].toString());
        assertThat(install.exit()).as(install.out() + install.err()).isZero();
        CliIT.Run up = PrivilegedLane.yoq("up", "-f", manifest("require").toString());
        assertThat(up.exit()).as(up.out() + up.err()).isZero();

        // the replica has its service's leaf, key and the CA under /run/secrets, readable by it alone
        String id = SecurityIT.containerOf(APP);
        CliIT.Run ls = PrivilegedLane.yoq("exec", id, "sh", "-c", "cd /run/secrets && stat -c '%n %a' yoq-mtls.crt yoq-mtls.key yoq-mtls-ca.crt");
        assertThat(ls.out()).as(ls.err()).contains("yoq-mtls.crt 400", "yoq-mtls.key 400", "yoq-mtls-ca.crt 400");
        Path cert = Files.writeString(tmp.resolve("leaf.crt"), PrivilegedLane.yoq("exec", id, "cat", "/run/secrets/yoq-mtls.crt").out());
        Path key = Files.writeString(tmp.resolve("leaf.key"), PrivilegedLane.yoq("exec", id, "cat", "/run/secrets/yoq-mtls.key").out());
        String caPem = PrivilegedLane.yoq("exec", id, "cat", "/run/secrets/yoq-mtls-ca.crt").out();
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");

        // the API and the CLI show the CA and the leaf, never a key
        JsonNode ca = YoqServer.json(YoqServer.get("/cluster/ca", YoqServer.token()));
        assertThat(ca.path("cert_pem").asText()).isEqualTo(caPem);
        assertThat(ca.toString()).doesNotContain("PRIVATE");
        CliIT.Run shown = PrivilegedLane.yoq("cert", "service", APP + "-web");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("spiffe://yoq-cluster/service/" + APP + "-web", Files.readString(cert).strip()).doesNotContain("PRIVATE");
        CliIT.Run verify = EdgeAppIT.run("openssl", "verify", "-CAfile", Files.writeString(tmp.resolve("ca.crt"), caPem).toString(), cert.toString());
        assertThat(verify.out()).as(verify.err()).contains(": OK");

        // through the proxy: in with the replica's files; out without, with a stranger's, and over plain HTTP
        CliIT.Run with = awaitCurl("200", server[0], "--cert", cert.toString(), "--key", key.toString());
        assertThat(with.out()).as(with.err()).isEqualTo("mtls ok\n\n200");
        CliIT.Run without = curl(server[0]);
        assertThat(without.out()).as("no client certificate").contains("client certificate required").endsWith("403");
        Path[] stranger = selfSigned("stranger", "URI:spiffe://yoq-cluster/service/" + APP + "-web");
        CliIT.Run forged = curl(server[0], "--cert", stranger[0].toString(), "--key", stranger[1].toString());
        assertThat(forged.out()).as("a certificate of another CA, even naming the service").doesNotContain("mtls ok");
        CliIT.Run plain = EdgeAppIT.run("curl", "-sS", "--max-time", "5", "-H", "Host: " + DOMAIN, "-w", "\n%{http_code}", "http://127.0.0.1:17781/");
        assertThat(plain.out()).contains("client certificate required").endsWith("403");

        // warn: a caller without a certificate gets in (and is counted)
        CliIT.Run warn = PrivilegedLane.yoq("up", "-f", manifest("warn").toString());
        assertThat(warn.exit()).as(warn.out() + warn.err()).isZero();
        CliIT.Run anyone = awaitCurl("200", server[0]);
        assertThat(anyone.out()).as(anyone.err()).isEqualTo("mtls ok\n\n200");
    }
}
