package dev.yoq.security.mtls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The service CA and its leaf certificates (spec §5.6), pure: the clock and nothing else come in as parameters.
 * The CA is {@code CN=yoq-cluster-ca}, ECDSA P-256, valid {@link #CA_LIFETIME}; a service's leaf names it by the
 * SPIFFE URI {@code spiffe://yoq-cluster/service/<name>} (its only SAN), serves as client and server, lives
 * {@link #LEAF_LIFETIME} and is {@link #due due} for rotation once a third of its life is left.
 */
public final class ServiceCa {
    public static final Duration CA_LIFETIME = Duration.ofDays(3650);
    public static final Duration LEAF_LIFETIME = Duration.ofHours(24);
    /** A leaf is valid from slightly before it was made: a caller's clock a little behind still accepts it. */
    static final Duration BACKDATE = Duration.ofMinutes(5);
    public static final String SPIFFE_PREFIX = "spiffe://yoq-cluster/service/";

    private ServiceCa() {}

    /** A certificate and its private key (PKCS#8 DER); the key never leaves through toString. */
    public record Issued(X509Certificate cert, byte[] keyPkcs8) {
        public String certPem() {
            return pem("CERTIFICATE", der(cert));
        }

        public String keyPem() {
            return pem("PRIVATE KEY", keyPkcs8);
        }

        public Instant notAfter() {
            return cert.getNotAfter().toInstant();
        }

        @Override
        public String toString() {
            return "Issued[" + cert.getSubjectX500Principal().getName() + ", until " + notAfter() + "]";
        }
    }

    /** A new service CA, valid from {@code now} for ten years. */
    public static Issued createCa(Instant now) {
        return createCa(new X500Principal("CN=yoq-cluster-ca"), now);
    }

    private static Issued createCa(X500Principal name, Instant now) {
        try {
            KeyPair pair = p256();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(CA_LIFETIME)), name, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
            return new Issued(sign(b, pair.getPrivate()), pair.getPrivate().getEncoded());
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the CA " + name.getName() + ": " + e.getMessage(), e);
        }
    }

    /** A leaf for {@code service} (a registry name, 1-255 characters, any that an app or service name may hold), signed by {@code ca}. */
    public static Issued issue(Issued ca, String service, Instant now) {
        if (service == null || service.isEmpty() || service.length() > 255 || service.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new IllegalArgumentException("a service certificate needs a name of 1-255 printable characters, got " + service);
        }
        return leaf(ca, service, new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId(service))),
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_serverAuth}, LEAF_LIFETIME, now);
    }

    /**
     * A TLS server certificate signed by {@code ca} for these IP addresses and DNS names (the API's: docs/security.md
     * "HTTPS on the API"), valid {@code lifetime}.
     */
    public static Issued issueServer(Issued ca, String commonName, java.util.List<String> ips, java.util.List<String> dnsNames,
                                     Duration lifetime, Instant now) {
        java.util.List<GeneralName> names = new java.util.ArrayList<>();
        ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        if (names.isEmpty()) throw new IllegalArgumentException("a server certificate needs at least one address or name");
        return leaf(ca, commonName, new GeneralNames(names.toArray(GeneralName[]::new)), new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth},
                lifetime, now);
    }

    private static Issued leaf(Issued ca, String commonName, GeneralNames sans, KeyPurposeId[] purposes, Duration lifetime, Instant now) {
        try {
            KeyPair pair = p256();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(lifetime)), new X500Principal("CN=" + commonName), pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            b.addExtension(Extension.subjectAlternativeName, true, sans);
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert()));
            return new Issued(sign(b, privateKey(ca.keyPkcs8())), pair.getPrivate().getEncoded());
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    /** A CA named {@code commonName} (the API's has its own name), valid from {@code now} for ten years. */
    public static Issued createCa(String commonName, Instant now) {
        return createCa(new X500Principal("CN=" + commonName), now);
    }

    /** The service's URI: its name as one path segment, every character but A-Z a-z 0-9 . _ - ~ percent-encoded (UTF-8). */
    public static String spiffeId(String service) {
        StringBuilder b = new StringBuilder(SPIFFE_PREFIX);
        for (byte x : service.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char ch = (char) (x & 0xff);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' || ch == '~') {
                b.append(ch);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }

    /** Whether a leaf should be replaced now: at most a third of its lifetime is left (or it is not valid yet). */
    public static boolean due(X509Certificate leaf, Instant now) {
        Instant from = leaf.getNotBefore().toInstant(), to = leaf.getNotAfter().toInstant();
        Duration third = Duration.between(from, to).dividedBy(3);
        return now.isBefore(from) || !now.isBefore(to.minus(third));
    }

    public static X509Certificate parse(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    private static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(128, new SecureRandom()).setBit(127);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }

    private static byte[] der(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
