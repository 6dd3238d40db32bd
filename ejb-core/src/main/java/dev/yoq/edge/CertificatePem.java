package dev.yoq.edge;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Checks a certificate chain and its private key, as PEM, for one domain before they are stored: the chain has
 * 1..{@value #MAX_CHAIN} certificates, leaf first; the key (PKCS#8, or OpenSSL's traditional RSA / EC form) is the
 * leaf's; the leaf covers the domain and has not expired. Pure (JDK only, the clock is a parameter); every
 * refusal is an {@link IllegalArgumentException} whose message says what is wrong, for the user.
 */
public final class CertificatePem {
    public static final int MAX_CERT_BYTES = 64 * 1024;
    public static final int MAX_KEY_BYTES = 16 * 1024;
    public static final int MAX_CHAIN = 10;
    public static final int MAX_DOMAIN = 253;
    static final String CONVERT = "convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8`";

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern DOMAIN = Pattern.compile("(?:\\*\\.)?" + LABEL + "(?:\\." + LABEL + ")*");
    private static final String BEGIN = "-----BEGIN ", DASHES = "-----";
    private static final int SAN_DNS = 2;
    /** Signed with the key and verified with the leaf's public key: proof they are a pair, whatever the algorithm. */
    private static final byte[] CHALLENGE = "yoq: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);

    private CertificatePem() {}

    /** A checked certificate: the domain (lower case), the leaf's expiry in epoch seconds, and normalized PEMs. */
    public record Checked(String domain, long notAfter, String certPem, String keyPem) {
        /** Without the key: a record may be logged. */
        @Override
        public String toString() {
            return "Checked[domain=" + domain + ", notAfter=" + notAfter + "]";
        }
    }

    /**
     * The domain in lower case when it is a DNS name (letters, digits, hyphens, dots; at most 253 characters;
     * optionally {@code *.} first), else an {@link IllegalArgumentException}.
     */
    public static String domain(String name) {
        String d = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (d.length() > MAX_DOMAIN || !DOMAIN.matcher(d).matches()) {
            throw new IllegalArgumentException("invalid domain: '" + shorten(name) + "' (a DNS name of letters, digits, hyphens and dots, at most "
                    + MAX_DOMAIN + " characters, optionally starting with *.)");
        }
        return d;
    }

    /** Checks {@code certPem} and {@code keyPem} for {@code domain} at {@code now}; see the class comment. */
    public static Checked check(String domain, String certPem, String keyPem, Instant now) {
        String d = domain(domain);
        String prefix = "certificate for " + d + ": ";
        try {
            Pair pair = pair(certPem, keyPem, now);
            checkCovers(pair.chain().get(0), d);
            return new Checked(d, pair.chain().get(0).getNotAfter().toInstant().getEpochSecond(), pem(pair.chain()), pem("PRIVATE KEY", pair.pkcs8()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + e.getMessage(), e);
        }
    }

    /** A chain (leaf first) and its key as PKCS#8 DER; the key never leaves through toString. */
    public record Pair(List<X509Certificate> chain, byte[] pkcs8) {
        public PrivateKey privateKey() {
            return CertificatePem.privateKey(pkcs8);
        }

        @Override
        public String toString() {
            return "Pair[" + chain.get(0).getSubjectX500Principal() + "]";
        }
    }

    /**
     * The checks that name no domain: sizes, a readable chain, a readable unencrypted key that is the leaf's, not
     * expired at {@code now}. For a certificate that is not served by domain (the API's: `yoq server start`).
     */
    public static Pair pair(String certPem, String keyPem, Instant now) {
        if (utf8Length(certPem) > MAX_CERT_BYTES) throw new IllegalArgumentException("the certificate PEM is larger than 64 KiB");
        if (utf8Length(keyPem) > MAX_KEY_BYTES) throw new IllegalArgumentException("the key PEM is larger than 16 KiB");
        List<X509Certificate> chain = chain(certPem);
        byte[] pkcs8 = keyDer(keyPem);
        checkPair(chain.get(0), pkcs8);
        Instant notAfter = chain.get(0).getNotAfter().toInstant();
        if (now.isAfter(notAfter)) throw new IllegalArgumentException("the certificate expired on " + notAfter);
        return new Pair(List.copyOf(chain), pkcs8);
    }

    private static List<X509Certificate> chain(String text) {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory = x509();
        for (Block b : blocks(text)) {
            if (!b.type().equals("CERTIFICATE")) continue;   // a combined file's key or parameters: not part of the chain
            if (chain.size() == MAX_CHAIN) throw new IllegalArgumentException("the chain has more than " + MAX_CHAIN + " certificates");
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException | RuntimeException e) {   // a garbled DER must be a refusal, never a 500
                throw new IllegalArgumentException("certificate " + (chain.size() + 1) + " of the chain cannot be read (" + e.getMessage() + ")");
            }
        }
        if (chain.isEmpty()) throw new IllegalArgumentException("no certificate in the certificate PEM (expected -----BEGIN CERTIFICATE-----)");
        return chain;
    }

    /** The key as PKCS#8 DER; the traditional forms are wrapped, an encrypted key is refused. */
    private static byte[] keyDer(String text) {
        List<Block> keys = blocks(text).stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) throw new IllegalArgumentException("no private key in the key PEM (expected -----BEGIN PRIVATE KEY-----)");
        if (keys.size() > 1) throw new IllegalArgumentException("the key PEM holds " + keys.size() + " private keys, give exactly one");
        Block key = keys.get(0);
        if (key.type().equals("ENCRYPTED PRIVATE KEY") || key.body().contains("Proc-Type:")) {
            throw new IllegalArgumentException("the key is encrypted: " + CONVERT + " (it asks for the passphrase)");
        }
        try {
            return switch (key.type()) {
                case "PRIVATE KEY" -> key.der();
                case "RSA PRIVATE KEY" -> Pkcs8.fromPkcs1(key.der());
                case "EC PRIVATE KEY" -> Pkcs8.fromSec1(key.der());
                default -> throw new IllegalArgumentException(key.type() + " is not supported");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key cannot be read (" + e.getMessage() + "); " + CONVERT);
        }
    }

    /** The key is the leaf's: what it signs, the leaf's public key verifies. */
    private static void checkPair(X509Certificate leaf, byte[] pkcs8) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw new IllegalArgumentException("its key type " + algorithm + " is not supported (RSA and EC are)");
        }
        PrivateKey key = privateKey(pkcs8);
        if (!key.getAlgorithm().equals(algorithm)) throw mismatch();
        try {
            Signature signer = Signature.getInstance(algorithm.equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA");
            signer.initSign(key);
            signer.update(CHALLENGE);
            byte[] signature = signer.sign();
            signer.initVerify(leaf.getPublicKey());
            signer.update(CHALLENGE);
            if (!signer.verify(signature)) throw mismatch();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw mismatch();   // e.g. an EC key on another curve than the certificate's
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8) {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("the key cannot be read as an RSA or EC key; " + CONVERT);
    }

    private static IllegalArgumentException mismatch() {
        return new IllegalArgumentException("the key does not match the certificate");
    }

    private static void checkCovers(X509Certificate leaf, String domain) {
        List<String> names = names(leaf);
        for (String n : names) {
            if (covers(n.toLowerCase(Locale.ROOT), domain)) return;
        }
        throw new IllegalArgumentException("the certificate does not cover " + domain + " ("
                + (names.isEmpty() ? "it names no DNS name" : "it names " + String.join(", ", names)) + ")");
    }

    /** Exact, or a {@code *.} name standing for exactly one label (RFC 6125: only the whole leftmost label). */
    static boolean covers(String name, String domain) {
        if (name.equals(domain)) return true;
        if (!name.startsWith("*.")) return false;
        int dot = domain.indexOf('.');
        return dot > 0 && domain.substring(dot + 1).equals(name.substring(2));
    }

    /** The leaf's DNS names: its SAN dNSNames, or its subject CNs only when it has none (RFC 6125 §6.4.4). */
    static List<String> names(X509Certificate leaf) {
        List<String> dns = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.get(0) instanceof Integer type && type == SAN_DNS && san.get(1) instanceof String s) dns.add(s);
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("its subject alternative names cannot be read (" + e.getMessage() + ")");
        }
        return dns.isEmpty() ? commonNames(leaf) : dns;
    }

    private static List<String> commonNames(X509Certificate leaf) {
        try {
            List<String> cns = new ArrayList<>();
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String s) cns.add(s);
            }
            return cns;
        } catch (InvalidNameException e) {
            return List.of();
        }
    }

    /** One PEM block: its type and its base64 body. */
    private record Block(String type, String body) {
        byte[] der() {
            try {
                return Base64.getDecoder().decode(body.replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not valid base64");
            }
        }
    }

    /** The PEM blocks in order; text around them (openssl's "Bag Attributes", comments) is ignored. Linear. */
    private static List<Block> blocks(String text) {
        List<Block> out = new ArrayList<>();
        String t = text == null ? "" : text;
        for (int at = t.indexOf(BEGIN); at >= 0; at = t.indexOf(BEGIN, at)) {
            int typeEnd = t.indexOf(DASHES, at + BEGIN.length());
            String type = typeEnd < 0 ? "" : t.substring(at + BEGIN.length(), typeEnd);
            if (type.isEmpty() || type.length() > 40 || !type.matches("[A-Z0-9 ]+")) {
                throw new IllegalArgumentException("malformed PEM: a -----BEGIN line without a type");
            }
            String end = "-----END " + type + DASHES;
            int endAt = t.indexOf(end, typeEnd + DASHES.length());
            if (endAt < 0) throw new IllegalArgumentException("malformed PEM: -----BEGIN " + type + "----- has no " + end);
            out.add(new Block(type, t.substring(typeEnd + DASHES.length(), endAt)));
            at = endAt + end.length();
        }
        return out;
    }

    private static String pem(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        try {
            for (X509Certificate c : chain) out.append(pem("CERTIFICATE", c.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalArgumentException("a certificate cannot be encoded (" + e.getMessage() + ")");
        }
        return out.toString();
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
    }

    /** Past {@value #MAX_CERT_BYTES} characters the exact byte count does not matter (every limit is below it). */
    private static long utf8Length(String s) {
        return s == null ? 0 : s.length() > MAX_CERT_BYTES ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String shorten(String s) {
        if (s == null) return "";
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
