package dev.yoq.api;

import dev.yoq.security.ApiTokens;
import dev.yoq.security.TokenService;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who made a request, found once per request from its bearer token and kept as a request attribute, so the rate
 * limiter, the authorization filter, the resources and the audit all see the same caller.
 */
public final class Callers {
    static final String ATTRIBUTE = "yoq.caller";
    static final String LOOKED_UP = "yoq.caller.looked-up";
    /** Audit actor of a request no token authenticated (spec §2.1). */
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String JOIN_TOKEN = "join-token";

    private Callers() {}

    /** The admin or named token the request carries, or null (no token, a wrong one, revoked, expired). */
    public static TokenService.Caller identify(HttpServletRequest req, ApiTokens tokens) {
        if (req.getAttribute(LOOKED_UP) != null) return (TokenService.Caller) req.getAttribute(ATTRIBUTE);
        String token = BearerTokenFilter.bearerToken(req.getHeader("Authorization"));
        TokenService.Caller caller = null;
        try {
            caller = token == null ? null : tokens.identify(token);
        } catch (RuntimeException e) {
            // the token table unreadable (database busy, not migrated yet): no named caller; the admin token still works
            java.util.logging.Logger.getLogger(Callers.class.getName()).warning("token lookup failed: " + e);
        }
        req.setAttribute(LOOKED_UP, Boolean.TRUE);
        if (caller != null) req.setAttribute(ATTRIBUTE, caller);
        return caller;
    }

    /** Marks the request as made by an agent (its own token or the join token). */
    static void agent(HttpServletRequest req) {
        req.setAttribute(ATTRIBUTE, new TokenService.Caller(JOIN_TOKEN, java.util.List.of()));
    }

    /** Whether the request's caller holds {@code scope} (the admin token holds every one). */
    public static boolean grants(HttpServletRequest req, String scope) {
        Object c = req == null ? null : req.getAttribute(ATTRIBUTE);
        return c instanceof TokenService.Caller caller && dev.yoq.security.Scopes.grants(caller.scopes(), scope);
    }

    /** The audit actor: {@code api-token}, a token's name, {@code join-token} or {@code unauthenticated}. */
    public static String actor(HttpServletRequest req) {
        Object c = req == null ? null : req.getAttribute(ATTRIBUTE);
        return c instanceof TokenService.Caller caller ? caller.name() : UNAUTHENTICATED;
    }
}
