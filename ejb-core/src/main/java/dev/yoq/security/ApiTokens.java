package dev.yoq.security;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The admin API token of this node, loaded once at start by {@code ServerStartup}. Until it is loaded (or when
 * loading failed) every presented token is refused.
 */
@ApplicationScoped
public class ApiTokens {

    private volatile String adminToken;

    public void useAdminToken(String token) {
        this.adminToken = token;
    }

    /**
     * The token itself, for this server's own calls to the other servers of its cluster (they share the API
     * token: {@code init-server --api-token}); never logged.
     */
    public String adminTokenForPeers() {
        return adminToken;
    }

    @jakarta.ejb.EJB
    TokenService named;

    private static final java.util.regex.Pattern NAMED_TOKEN = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /**
     * Who a presented token is: the admin token (actor {@code api-token}, scope {@code *}) or an active named token,
     * else null. One indexed read for a named token, by the SHA-256 of what was presented.
     */
    public TokenService.Caller identify(String presented) {
        if (presented == null) return null;
        if (isAdminToken(presented)) return new TokenService.Caller(TokenService.ADMIN_ACTOR, java.util.List.of(Scopes.ADMIN));
        // a named token is 64 lowercase hex characters: anything else is refused without a database read
        if (!NAMED_TOKEN.matcher(presented).matches()) return null;
        return named.authenticate(presented, System.currentTimeMillis());
    }

    /** Whether {@code presented} is this node's admin token, compared in constant time. */
    public boolean isAdminToken(String presented) {
        return TokenComparison.matches(adminToken, presented);
    }
}
