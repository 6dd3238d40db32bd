package dev.yoq.api;

import dev.yoq.security.AuditService;
import dev.yoq.security.AuditedActs;
import jakarta.annotation.Priority;
import jakarta.ejb.EJB;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Audits every act a request is ({@link AuditedActs}) once it is answered: who (the token's name, {@code api-token}),
 * what, on what, and how it ended. A failure to write the audit is logged; it never changes the answer.
 */
@Provider
@Priority(Priorities.USER)
public class ApiAudit implements ContainerResponseFilter {
    private static final Logger LOG = Logger.getLogger(ApiAudit.class.getName());

    @EJB
    AuditService audit;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status == 401) return;   // no caller to name; counted by the auth metrics instead
        if (status == 403 && request.getProperty("yoq.audited") != null) return;   // denied() wrote it
        String path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
        AuditedActs.Act act = AuditedActs.of(request.getMethod(), path);
        if (act == null || (act.byService() && status < 400)) return;
        record(Callers.actor(servletRequest), act.action(), act.target(), AuditedActs.outcome(status));
    }

    /** A token without the scope a route needs. */
    void denied(String actor, String method, String path, String required) {
        AuditedActs.Act act = AuditedActs.of(method, path);
        record(actor, act == null ? "access" : act.action(), act == null || act.target() == null ? "/" + bounded(path) : act.target(),
                "denied: missing scope " + required);
    }

    /** An act the resource knows more of than the path says (a container's host-path mounts). */
    public void record(String actor, String action, String target, String outcome) {
        try {
            audit.record(actor, action, target, outcome);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit entry " + action + " by " + actor + " not written", e);
        }
    }

    private static String bounded(String path) {
        String p = path.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 200 ? p.substring(0, 200) : p;
    }
}
