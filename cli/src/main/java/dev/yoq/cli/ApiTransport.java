package dev.yoq.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the CLI reaches a server (docs/security.md "HTTPS on the API"): {@code https://} and {@code http://} say
 * it; without a scheme, a loopback address is HTTPS when the local server's start turned it on and plain
 * otherwise, and any other address is HTTPS unless {@code YOQ_API_PLAIN_HTTP=1}. HTTPS trusts one CA only:
 * {@code YOQ_CA}, else the local data directory's {@code tls/api-ca.crt} (beside the token). A token is never sent
 * over plain HTTP to an address other than loopback, unless {@code YOQ_API_PLAIN_HTTP=1} says the operator accepts it.
 */
final class ApiTransport {
    private ApiTransport() {}

    /** The socket factory for HTTPS, null for plain HTTP; refuses what would put a token on the wire readable. */
    static SSLSocketFactory forServer(ServerAddress server, boolean sendsToken, Map<String, String> env, Path dataRoot) {
        boolean loopback = ApiTls.loopback(server.host());
        boolean plainAllowed = "1".equals(env.get("YOQ_API_PLAIN_HTTP"));
        boolean tls = server.scheme() != null ? server.scheme().equals("https")
                : loopback ? ApiTls.localServerTls(dataRoot) : !plainAllowed;
        if (!tls) {
            if (sendsToken && !loopback && !plainAllowed) {
                throw new CliException("refusing to send the API token over plain HTTP to " + server.host() + ":" + server.port()
                        + ": use https://" + server.host() + ":" + server.port() + " (with YOQ_CA naming the server's tls/api-ca.crt), "
                        + "or set YOQ_API_PLAIN_HTTP=1 to accept a readable token on this network");
            }
            return null;
        }
        // the local server's own CA for it (YOQ_CA names a remote server's), else YOQ_CA or the local one
        Path local = ApiTls.dir(dataRoot).resolve(ApiTls.CA_FILE);
        Path ca = loopback && ApiTls.localServerTls(dataRoot) && Files.exists(local) ? local : ApiTls.trustedCa(env, dataRoot);
        if (ca == null) {
            throw new CliException("no CA to verify " + server.host() + ":" + server.port() + " with: set YOQ_CA to a copy of the server's "
                    + "<data dir>/tls/api-ca.crt");
        }
        return socketFactory(ca);
    }

    static SSLSocketFactory socketFactory(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) trust.setCertificateEntry("ca" + n++, c);
            if (n == 0) throw new CliException("YOQ_CA: no certificate in " + caFile);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException e) {
            throw new CliException("cannot read the CA " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CliException("the CA " + caFile + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
