package dev.yoq.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that authenticates Raft and gossip traffic between nodes: HMAC-SHA256 with the ASCII key
 * {@code "yoq-raft-transport-key"} over the join token (32 bytes). Every node derives it from the token it was
 * given, so a node with the wrong token produces tags nobody accepts.
 */
public final class ClusterKey {
    private static final byte[] LABEL = "yoq-raft-transport-key".getBytes(StandardCharsets.US_ASCII);
    public static final int TAG_BYTES = 32;

    private final SecretKeySpec key;

    private ClusterKey(byte[] raw) {
        this.key = new SecretKeySpec(raw, "HmacSHA256");
    }

    /** Derives the key from a join token; the token must not be blank. */
    public static ClusterKey fromJoinToken(String joinToken) {
        if (joinToken == null || joinToken.isBlank()) throw new IllegalArgumentException("join token must not be empty");
        return new ClusterKey(hmac(LABEL, joinToken.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The servers' own key for Raft: the join token's key, keyed again with the API token the servers share
     * ({@code init-server --api-token}). Agents hold the join token (they register with it) but never the API
     * token, so an agent cannot issue itself a Raft server certificate.
     */
    public static ClusterKey forServers(String joinToken, String apiToken) {
        if (apiToken == null || apiToken.isBlank()) throw new IllegalArgumentException("the API token must not be empty");
        byte[] joinKey = hmac(LABEL, joinToken.getBytes(StandardCharsets.UTF_8));
        return new ClusterKey(hmac(joinKey, ("yoq-raft-servers:" + apiToken).getBytes(StandardCharsets.UTF_8)));
    }

    /** The 32-byte tag over the concatenation of {@code parts}. */
    public byte[] tag(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            for (byte[] p : parts) mac.update(p);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether {@code tag} is the tag of {@code parts}, compared in constant time. */
    public boolean verify(byte[] tag, byte[]... parts) {
        return tag != null && tag.length == TAG_BYTES && MessageDigest.isEqual(tag(parts), tag);
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
