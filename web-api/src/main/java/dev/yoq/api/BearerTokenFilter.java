package dev.yoq.api;

import java.util.Set;

import dev.yoq.security.ApiTokens;
import dev.yoq.security.Scopes;
import dev.yoq.security.TokenService;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Every route needs {@code Authorization: Bearer <token>} except {@code GET /version}. Runs before matching, so
 * an unknown route without a token is a 401, not a hint that the route does not exist. The scheme is
 * case-insensitive (RFC 9110 §11.1: {@code bearer} works too); an empty token is refused.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class BearerTokenFilter implements ContainerRequestFilter {

    static final String CHALLENGE = "Bearer realm=\"yoq\"";
    private static final Set<String> PUBLIC_GET = Set.of("version");
    private static final java.util.regex.Pattern AGENT_GET = java.util.regex.Pattern.compile("agents/[0-9a-f]{1,64}/(assignments|services|policies|routes)|wireguard/peers");
    private static final java.util.regex.Pattern AGENT_POST = java.util.regex.Pattern.compile(
            "agents/[0-9a-f]{1,64}/heartbeat|agents/[0-9a-f]{1,64}/assignments/[0-9a-zA-Z_-]{1,128}/(status|secrets)");

    @Inject
    ApiTokens tokens;

    @Inject
    ApiMetrics metrics;

    @jakarta.ejb.EJB
    dev.yoq.cluster.AgentService agents;

    @Inject
    ApiAudit audit;

    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
        String method = request.getMethod();
        if (PUBLIC_GET.contains(path) && (method.equals("GET") || method.equals("HEAD"))) {
            return;
        }
        if (method.equals("POST") && path.equals("agents/register")) {
            return;   // the join token is in the body: AgentService compares it (400 invalid token)
        }
        String token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            refuse(request, "missing");
            return;
        }
        TokenService.Caller caller = Callers.identify(servletRequest, tokens);
        if (caller != null && caller.name().equals(TokenService.ADMIN_ACTOR)) return;
        if (isAgentSurface(method, path)) {
            // an agent's routes take that agent's own token; the mesh any member's. Named tokens are operators': not here
            String agent = agentOf(path);
            if (agent != null ? agents.mayActFor(agent, token) : agents.isClusterMember(token)) {
                Callers.agent(servletRequest);
            } else {
                refuse(request, "invalid");
            }
            return;
        }
        if (caller == null) {
            refuse(request, "invalid");
            return;
        }
        String required = Scopes.required(method, path);
        if (!Scopes.grants(caller.scopes(), required)) {
            metrics.authFailure("scope");
            audit.denied(caller.name(), method, path, required);
            request.setProperty("yoq.audited", Boolean.TRUE);
            request.abortWith(ErrorBody.response(403, "missing scope: " + required, null));
        }
    }

    /** The agent an agent route acts for ({@code agents/<id>/...}), or null for the shared ones. */
    static String agentOf(String path) {
        if (!path.startsWith("agents/")) return null;
        int end = path.indexOf('/', "agents/".length());
        return end < 0 ? null : path.substring("agents/".length(), end);
    }

    /** What an agent may call without the API token (spec §2.2): heartbeats, its assignments, the mesh. */
    static boolean isAgentSurface(String method, String path) {
        if (method.equals("GET")) return AGENT_GET.matcher(path).matches();
        if (method.equals("POST")) return AGENT_POST.matcher(path).matches();
        return false;
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme in any case), or null. */
    public static String bearerToken(String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private void refuse(ContainerRequestContext request, String reason) {
        metrics.authFailure(reason);
        request.abortWith(jakarta.ws.rs.core.Response.fromResponse(ErrorBody.response(401, "unauthorized", null))
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build());
    }
}
