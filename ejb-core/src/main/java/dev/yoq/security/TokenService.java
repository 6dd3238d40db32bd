package dev.yoq.security;

import dev.yoq.state.Command;
import dev.yoq.state.CommandBus;
import dev.yoq.state.CommandRejectedException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Named API tokens with scopes (spec §1.7, §2.1). The secret (64 hex characters, 32 random bytes) is shown once;
 * only its SHA-256 is stored and replicated. A presented token is found by that hash, so no secret is ever
 * compared character by character, and the lookup takes the same path whatever is presented.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TokenService {
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The actor of the bootstrap admin token (spec §2.1); no named token may take it. */
    public static final String ADMIN_ACTOR = "api-token";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token as listed: never its secret. Times in epoch ms; {@code expiresAt}/{@code revokedAt} null when not. */
    public record TokenInfo(String name, List<String> scopes, long createdAt, Long expiresAt, Long revokedAt) {
        public String status(long now) {
            if (revokedAt != null) return "revoked";
            return expiresAt != null && expiresAt <= now ? "expired" : "active";
        }
    }

    /** A token that authenticated: who it is, what it may do. */
    public record Caller(String name, List<String> scopes) {}

    public record Created(String name, List<String> scopes, String token, Long expiresAt) {}

    @PersistenceContext(unitName = "yoq")
    EntityManager em;

    @Inject
    CommandBus bus;

    public Created create(String name, List<String> scopeArgs, Long ttlMillis, String actor) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(ADMIN_ACTOR)
                || name.equals("join-token") || name.equals("unauthenticated")) {
            throw new SecurityException(SecurityException.Kind.INVALID, "token name " + (name == null ? "(missing)" : "'" + name + "'")
                    + " is invalid: 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit (api-token, join-token and unauthenticated are taken)");
        }
        List<String> scopes;
        try {
            scopes = Scopes.parse(scopeArgs);
        } catch (IllegalArgumentException e) {
            throw new SecurityException(SecurityException.Kind.INVALID, e.getMessage());
        }
        if (ttlMillis != null && ttlMillis <= 0) throw new SecurityException(SecurityException.Kind.INVALID, "ttl must be positive");
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        long now = System.currentTimeMillis();
        Long expiresAt = ttlMillis == null ? null : now + ttlMillis;
        try {
            bus.submit(new Command.CreateToken(name, sha256Hex(token), String.join(",", scopes), expiresAt, actor, now));
        } catch (CommandRejectedException e) {
            throw new SecurityException(SecurityException.Kind.CONFLICT, e.getMessage());
        }
        return new Created(name, scopes, token, expiresAt);
    }

    public void revoke(String name, String actor) {
        try {
            bus.submit(new Command.RevokeToken(name, actor, System.currentTimeMillis()));
        } catch (CommandRejectedException e) {
            throw new SecurityException(e.getMessage().startsWith("token not found") ? SecurityException.Kind.NOT_FOUND
                    : SecurityException.Kind.CONFLICT, e.getMessage());
        }
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<TokenInfo> list() {
        List<TokenInfo> all = new ArrayList<>();
        for (Object row : em.createNativeQuery("SELECT name, scopes, created_at, expires_at, revoked_at FROM tokens ORDER BY name").getResultList()) {
            Object[] r = (Object[]) row;
            all.add(new TokenInfo((String) r[0], List.of(((String) r[1]).split(",")), ((Number) r[2]).longValue(),
                    r[3] == null ? null : ((Number) r[3]).longValue(), r[4] == null ? null : ((Number) r[4]).longValue()));
        }
        return all;
    }

    /** The unrevoked, unexpired named token the presented secret is, or null. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Caller authenticate(String presented, long now) {
        if (presented == null || presented.isEmpty() || presented.length() > 256) return null;
        List<?> rows = em.createNativeQuery("SELECT name, scopes FROM tokens WHERE secret_hash = ?1 AND revoked_at IS NULL "
                + "AND (expires_at IS NULL OR expires_at > ?2)").setParameter(1, sha256Hex(presented)).setParameter(2, now).getResultList();
        if (rows.isEmpty()) return null;
        Object[] r = (Object[]) rows.get(0);
        return new Caller((String) r[0], List.of(((String) r[1]).split(",")));
    }

    public static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
