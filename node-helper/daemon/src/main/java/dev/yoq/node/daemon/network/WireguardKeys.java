package dev.yoq.node.daemon.network;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;

/**
 * The node's WireGuard key pair: the private half is made here once, kept in a 0600 file and never leaves the node;
 * the public half is derived with the JDK's X25519 (so no {@code wg} is needed before the interface exists).
 */
public final class WireguardKeys {
    private WireguardKeys() {}

    /** The private key (base64, WireGuard's format) in {@code file}, made (clamped, as {@code wg genkey}) if absent. */
    public static String privateKey(Path file) throws IOException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(file) > 128) {
                throw new IOException(file + " is not a WireGuard key file (a regular file of at most 128 bytes)");
            }
            String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!dev.yoq.node.protocol.OverlaySpec.isKey(key)) throw new IOException(file + " does not hold a WireGuard key");
            return key;
        }
        byte[] scalar = new byte[32];
        new SecureRandom().nextBytes(scalar);
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        String key = Base64.getEncoder().encodeToString(scalar);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, key + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /** X25519(private, 9): what {@code wg pubkey} prints for the private key. */
    public static String publicKey(String privateKey) {
        byte[] scalar = Base64.getDecoder().decode(privateKey);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
            // the generator draws its private key from the random source: hand it ours
            generator.initialize(NamedParameterSpec.X25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(scalar, 0, bytes, 0, Math.min(bytes.length, scalar.length));
                }
            });
            BigInteger u = ((XECPublicKey) generator.generateKeyPair().getPublic()).getU();
            byte[] bigEndian = u.toByteArray();
            byte[] littleEndian = new byte[32];
            for (int i = 0; i < 32 && i < bigEndian.length; i++) littleEndian[i] = bigEndian[bigEndian.length - 1 - i];
            return Base64.getEncoder().encodeToString(littleEndian);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no X25519: " + e.getMessage(), e);
        }
    }
}
