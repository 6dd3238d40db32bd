package dev.yoq.security;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.HybridEncrypt;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HybridConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * How a server hands an agent the values of its work's secrets: each value sealed (HPKE: X25519, HKDF-SHA256,
 * ChaCha20-Poly1305, Google Tink) to a public key the agent made for itself and keeps in memory only, bound to the
 * agent and the secret's name. Whoever reads the exchange on the wire (a cluster's API speaks plain HTTP) sees the
 * public key and ciphertext, never a value. Shared by the servers and {@code yoq join}; plain Java.
 */
public final class AgentSealing {
    /** A public keyset of one HPKE key is a little over 50 bytes; anything near this bound is not one. */
    public static final int MAX_PUBLIC_KEY_CHARS = 1024;
    private static final HpkeParameters PARAMETERS;

    static {
        try {
            HybridConfig.register();
            PARAMETERS = HpkeParameters.builder().setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
                    .setKdfId(HpkeParameters.KdfId.HKDF_SHA256).setAeadId(HpkeParameters.AeadId.CHACHA20_POLY1305)
                    .setVariant(HpkeParameters.Variant.NO_PREFIX).build();
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AgentSealing() {}

    /** A fresh key pair for an agent's run. */
    public static KeysetHandle newKey() {
        try {
            return KeysetHandle.generateNew(PARAMETERS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an HPKE key: " + e.getMessage(), e);
        }
    }

    /** Its public half as the agent sends it: base64 of Tink's public keyset. */
    public static String publicKey(KeysetHandle key) {
        try {
            return Base64.getEncoder().encodeToString(TinkProtoKeysetFormat.serializeKeysetWithoutSecret(key.getPublicKeysetHandle()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What binds a sealed value to its agent and name: a value sealed for another agent or name does not open. */
    public static String context(String agentId, String secretName) {
        return "yoq-agent-secret:" + agentId + ":" + secretName;
    }

    /** {@code value} sealed to {@code publicKey}; a key that is not one HPKE public key of our kind is refused, naming it. */
    public static byte[] seal(String publicKey, String context, byte[] value) {
        if (publicKey == null || publicKey.isEmpty()) throw new IllegalArgumentException("public_key: missing");
        if (publicKey.length() > MAX_PUBLIC_KEY_CHARS) throw new IllegalArgumentException("public_key: longer than " + MAX_PUBLIC_KEY_CHARS + " characters");
        KeysetHandle key;
        try {
            key = TinkProtoKeysetFormat.parseKeysetWithoutSecret(Base64.getDecoder().decode(publicKey));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("public_key: not a base64 Tink public keyset");
        }
        if (key.size() != 1 || !PARAMETERS.equals(key.getPrimary().getKey().getParameters())) {
            throw new IllegalArgumentException("public_key: not one HPKE X25519/HKDF-SHA256/ChaCha20-Poly1305 key");
        }
        try {
            return key.getPrimitive(RegistryConfiguration.get(), HybridEncrypt.class).encrypt(value, bytes(context));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("public_key: " + e.getMessage());
        }
    }

    /** The value {@link #seal} sealed for this key and context; anything else is an error. */
    public static byte[] open(KeysetHandle key, String context, byte[] sealed) throws GeneralSecurityException {
        return key.getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class).decrypt(sealed, bytes(context));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
