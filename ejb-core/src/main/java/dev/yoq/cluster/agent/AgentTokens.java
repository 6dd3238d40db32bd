package dev.yoq.cluster.agent;

import dev.yoq.security.TokenComparison;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Each agent's own token (yoq's addition to spec §5.3, where agents share the join token): drawn at registration,
 * shown once, kept by the servers only as its SHA-256, and the only token an agent's routes take. Pure.
 */
public final class AgentTokens {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{64}");

    private AgentTokens() {}

    /** 32 random bytes as 64 lowercase hex. */
    public static String draw(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    /** The SHA-256 (hex) the servers keep. */
    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code presented} may act on an agent's routes. {@code storedHash}: the agent's kept hash; {@code ""}
     * for an agent registered before agent tokens (the join token, as then); null for an agent this server does not
     * know, which passes with the join token or a token of an agent's form: a server that has not yet applied the
     * registration must answer "not leader" (or, on the leader, "register again"), not 401, which makes an agent
     * register again and drop its work; an unknown agent has nothing to read or report.
     */
    public static boolean mayAct(String storedHash, String presented, String joinToken) {
        if (presented == null || presented.isEmpty()) return false;
        boolean join = TokenComparison.matches(joinToken, presented);
        if (storedHash == null) return join || FORM.matcher(presented).matches();
        if (storedHash.isEmpty()) return join;
        return TokenComparison.matches(storedHash, hash(presented));
    }
}
