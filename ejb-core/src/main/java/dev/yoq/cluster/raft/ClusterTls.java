package dev.yoq.cluster.raft;

import dev.yoq.cluster.ClusterKey;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Who may speak Raft to a server: mutual TLS where every certificate is signed by a cluster CA whose key is
 * derived from the join token ({@link ClusterKey}), so every node holding the token can issue itself a
 * certificate and nobody else can. A peer is accepted only if its certificate chains to that key and names a
 * configured server id ({@code CN=yoq-raft-s<id>}); refusals are logged and counted. Our transport is Ratis'
 * gRPC, not the spec's HMAC-framed TCP: TLS authenticates and also encrypts the log on the wire.
 */
public final class ClusterTls {
    private static final Logger LOG = Logger.getLogger(ClusterTls.class.getName());
    static final String CN_PREFIX = "yoq-raft-s";

    private final PrivateKey caKey;
    private final PublicKey caPublic;
    private final X509Certificate caCert;
    private final KeyPair nodeKeys;
    private final X509Certificate nodeCert;
    private final Set<Integer> peerIds;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong();

    public ClusterTls(ClusterKey key, RaftPeerAddress self, Set<Integer> peerIds) {
        try {
            ECParameterSpec p256 = p256();
            BigInteger d = caScalar(key, p256.getOrder());
            KeyFactory ec = KeyFactory.getInstance("EC");
            this.caKey = ec.generatePrivate(new ECPrivateKeySpec(d, p256));
            this.caPublic = ec.generatePublic(new ECPublicKeySpec(multiplyG(d), p256));
            this.caCert = certificate(new X500Principal("CN=yoq-cluster-ca"), caPublic, new X500Principal("CN=yoq-cluster-ca"), caKey,
                    true, null, Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2124-01-01T00:00:00Z"));
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            this.nodeKeys = gen.generateKeyPair();
            Instant now = Instant.now();
            this.nodeCert = certificate(new X500Principal("CN=" + CN_PREFIX + self.id()), nodeKeys.getPublic(),
                    caCert.getSubjectX500Principal(), caKey, false, self.host(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make this node's Raft certificate: " + e.getMessage(), e);
        }
        this.peerIds = Set.copyOf(peerIds);
    }

    public KeyManager keyManager() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("node", nodeKeys.getPrivate(), none, new X509Certificate[] {nodeCert, caCert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, none);
            return kmf.getKeyManagers()[0];
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the Raft key manager", e);
        }
    }

    public X509ExtendedTrustManager trustManager() { return new PeerTrust(); }

    /** How many connections were refused (wrong token, unknown peer, bad certificate). */
    public long refused() { return refused.get(); }

    X509Certificate nodeCertificate() { return nodeCert; }

    /** The peer's server id if its chain is ours and names a configured peer; throws (and counts) otherwise. */
    int check(X509Certificate[] chain) throws CertificateException {
        try {
            if (chain == null || chain.length == 0) throw new CertificateException("no certificate");
            X509Certificate leaf = chain[0];
            try {
                leaf.verify(caPublic);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("certificate not issued by this cluster's key (wrong join token?)");
            }
            leaf.checkValidity();
            String dn = leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
            if (!dn.startsWith("CN=" + CN_PREFIX)) throw new CertificateException("not a Raft server certificate: " + dn);
            int id;
            try {
                id = Integer.parseInt(dn.substring(3 + CN_PREFIX.length()));
            } catch (NumberFormatException e) {
                throw new CertificateException("unreadable server id in " + dn);
            }
            if (!peerIds.contains(id)) throw new CertificateException("server id " + id + " is not a configured peer");
            return id;
        } catch (CertificateException e) {
            long count = refused.incrementAndGet();
            // a stranger retries every few hundred ms: one line a minute says it all
            long now = System.nanoTime();
            long last = lastLogged.get();
            if ((count == 1 || now - last > 60_000_000_000L) && lastLogged.compareAndSet(last, now)) {
                LOG.warning("refused a Raft connection: " + e.getMessage() + " (" + count + " refused so far)");
            }
            throw e;
        }
    }

    private final class PeerTrust extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException { check(chain); }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException { check(chain); }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine e) throws CertificateException { check(chain); }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[] {caCert}; }
    }

    static ECParameterSpec p256() throws GeneralSecurityException {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        return params.getParameterSpec(ECParameterSpec.class);
    }

    /** The CA's private scalar: HMAC(cluster key, label) reduced into [1, n-1]; the same on every node. */
    static BigInteger caScalar(ClusterKey key, BigInteger order) {
        byte[] seed = key.tag("yoq-cluster-ca-key".getBytes(StandardCharsets.US_ASCII));
        return new BigInteger(1, seed).mod(order.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }

    static ECPoint multiplyG(BigInteger d) {
        org.bouncycastle.jce.spec.ECNamedCurveParameterSpec curve = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("secp256r1");
        org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(d).normalize();
        return new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    }

    private static X509Certificate certificate(X500Principal subject, PublicKey key, X500Principal issuer, PrivateKey signer,
                                               boolean ca, String ip, Instant from, Instant to)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException, java.io.IOException {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(from), Date.from(to), subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ip != null) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    }
}
