package dev.yoq.edge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EC P-256 key pairs for ACME, with the JDK's own provider (no BouncyCastle provider is registered: that would
 * change the whole server's JCA). An account key is stored as two PEM blocks, {@code PRIVATE KEY} (PKCS#8) and
 * {@code PUBLIC KEY}: the JDK cannot derive an EC public key from the private one, and the account is known to
 * the CA by its public key.
 */
public final class AcmeKeys {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private AcmeKeys() {}

    /** A fresh P-256 pair (secp256r1, what Let's Encrypt and every ACME CA accept). */
    public static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make EC P-256 keys: " + e.getMessage(), e);
        }
    }

    /** The private key alone, PKCS#8 ({@code BEGIN PRIVATE KEY}): what the certificate store and the proxy read. */
    public static String privateKeyPem(KeyPair pair) {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** Both halves, for an account key that must be read back as a pair. */
    public static String pairPem(KeyPair pair) {
        return privateKeyPem(pair) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    /** The pair {@link #pairPem} wrote; an {@link IllegalArgumentException} when a block is missing or broken. */
    public static KeyPair readPair(String pem) {
        byte[] priv = null, pub = null;
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            if (m.group(1).equals("PRIVATE KEY")) priv = der;
            if (m.group(1).equals("PUBLIC KEY")) pub = der;
        }
        if (priv == null || pub == null) throw new IllegalArgumentException("an ACME account key needs a PRIVATE KEY and a PUBLIC KEY block");
        try {
            KeyFactory ec = KeyFactory.getInstance("EC");
            return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(pub)), ec.generatePrivate(new PKCS8EncodedKeySpec(priv)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the ACME account key is not an EC key pair: " + e.getMessage(), e);
        }
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
