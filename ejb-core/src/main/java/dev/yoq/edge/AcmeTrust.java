package dev.yoq.edge;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Which CAs the ACME client trusts for the ACME server's own TLS. acme4j 4 makes its {@link HttpClient} in
 * {@code AcmeProvider.createHttpClient}, so a provider of our own hands it an {@link SSLContext} trusting the JDK's
 * CAs plus the extra ones given (a test CA such as pebble's). Only this client trusts them: the JVM-wide
 * {@code javax.net.ssl} properties are left alone, the server's other TLS clients must not trust a test CA.
 */
final class AcmeTrust {
    private AcmeTrust() {}

    /** acme4j's generic provider (any http/https directory), with {@code sslContext} when it is not null. */
    static final class Provider extends GenericAcmeProvider {
        private final SSLContext sslContext;

        Provider(SSLContext sslContext) {
            this.sslContext = sslContext;
        }

        /** As acme4j's default (redirects, timeout, proxy, authenticator), plus the trust. */
        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout()).proxy(settings.getProxySelector());
            if (settings.getAuthenticator() != null) b.authenticator(settings.getAuthenticator());
            if (sslContext != null) b.sslContext(sslContext);
            return b.build();
        }
    }

    /** Null for no extra CAs (the JDK's default context), else a context trusting the JDK's CAs and these. */
    static SSLContext sslContext(String extraCaPem) {
        if (extraCaPem == null || extraCaPem.isBlank()) return null;
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate ca : defaultIssuers()) store.setCertificateEntry("jdk-" + n++, ca);
            Collection<? extends Certificate> extra = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(extraCaPem.getBytes(StandardCharsets.US_ASCII)));
            if (extra.isEmpty()) throw new IllegalArgumentException("the extra CA PEM holds no certificate");
            for (Certificate ca : extra) store.setCertificateEntry("extra-" + n++, ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("cannot use the extra CA PEM: " + e.getMessage(), e);
        }
    }

    /** The CAs the JDK trusts by default (its cacerts, or javax.net.ssl.trustStore when the JVM was given one). */
    private static X509Certificate[] defaultIssuers() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) return x.getAcceptedIssuers();
        }
        return new X509Certificate[0];
    }
}
