package dev.yoq.proxy.http;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/** The service a verified client certificate stands for: its SAN URI {@code spiffe://yoq-cluster/service/<name>}. */
final class PeerIdentity {
    static final String PREFIX = "spiffe://yoq-cluster/service/";
    private static final int SAN_URI = 6;

    private PeerIdentity() {}

    /** The name, or "" for a certificate the CA signed without such a URI (still a verified caller). */
    static String service(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() == 2 && Integer.valueOf(SAN_URI).equals(san.get(0)) && san.get(1) instanceof String uri && uri.startsWith(PREFIX)) {
                        return uri.substring(PREFIX.length());
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return "";
        }
        return "";
    }
}
