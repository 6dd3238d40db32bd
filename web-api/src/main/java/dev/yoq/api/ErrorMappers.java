package dev.yoq.api;

import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.yoq.api.limits.BodyTooLargeException;
import dev.yoq.state.CommandRejectedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every error leaves as JSON in the original's shape, never as a stack trace or an HTML page. */
public final class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class.getName());

    private ErrorMappers() {
    }

    /** JAX-RS's own errors (unknown route, wrong method, bad media type) with the original's messages. */
    @Provider
    public static class WebErrors implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            if (BodyTooLargeException.in(e)) return ErrorBody.response(413, "request body too large", null);
            if (e.getResponse().getEntity() instanceof ErrorBody) return e.getResponse();   // ours, already in our shape
            int status = e.getResponse().getStatus();
            return ErrorBody.response(status, message(status), null);
        }

        static String message(int status) {
            return switch (status) {
                case 400 -> "bad request";
                case 404 -> "not found";
                case 405 -> "method not allowed";
                case 406 -> "not acceptable";
                case 415 -> "unsupported media type";
                default -> {
                    Response.Status type = Response.Status.fromStatusCode(status);
                    yield type == null ? "error " + status : type.getReasonPhrase().toLowerCase(Locale.ROOT);
                }
            };
        }
    }

    /** A command the state machine refused: the request conflicts with the current state. */
    @Provider
    public static class Rejected implements ExceptionMapper<CommandRejectedException> {
        @Override
        public Response toResponse(CommandRejectedException e) {
            return ErrorBody.response(409, e.getMessage(), "conflict");
        }
    }

    /** A container request that cannot be done: the spec answers 400 for wrong states, 404 for unknown ids. */
    @Provider
    public static class Containers implements ExceptionMapper<dev.yoq.runtime.ContainerException> {
        @Override
        public Response toResponse(dev.yoq.runtime.ContainerException e) {
            int status = switch (e.kind()) {
                case INVALID, WRONG_STATE -> 400;
                case NOT_FOUND -> 404;
                case START_FAILED -> 422;
                case UNAVAILABLE -> 503;
            };
            return ErrorBody.response(status, e.getMessage(), e.kind().name().toLowerCase(Locale.ROOT));
        }
    }

    /** An app request that cannot be done. */
    @Provider
    public static class Apps implements ExceptionMapper<dev.yoq.app.AppException> {
        @Override
        public Response toResponse(dev.yoq.app.AppException e) {
            int status = switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
            };
            return ErrorBody.response(status, e.getMessage(), e.kind().name().toLowerCase(Locale.ROOT));
        }
    }

    /** An image request that cannot be done; a registry's failure is a bad gateway. */
    @Provider
    public static class Images implements ExceptionMapper<dev.yoq.image.ImageException> {
        @Override
        public Response toResponse(dev.yoq.image.ImageException e) {
            int status = switch (e.kind()) {
                case INVALID, IN_USE -> 400;
                case NOT_FOUND -> 404;
                case REGISTRY -> 502;
                case UNAVAILABLE -> 503;
            };
            return ErrorBody.response(status, e.getMessage(), e.kind().name().toLowerCase(Locale.ROOT));
        }
    }

    /** A secret or token request that cannot be done: 400 invalid, 403 a scope missing, 404 unknown, 409 taken, 503 the key unusable. */
    @Provider
    public static class Security implements ExceptionMapper<dev.yoq.security.SecurityException> {
        @Override
        public Response toResponse(dev.yoq.security.SecurityException e) {
            int status = switch (e.kind()) {
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UNAVAILABLE -> 503;
                case FORBIDDEN -> 403;
                default -> 400;
            };
            return ErrorBody.response(status, e.getMessage(), null);
        }
    }

    /** A network request that cannot be done (a bad policy, an unknown rule, the node helper silent). */
    @Provider
    public static class Network implements ExceptionMapper<dev.yoq.network.NetworkException> {
        @Override
        public Response toResponse(dev.yoq.network.NetworkException e) {
            int status = switch (e.kind()) {
                case NOT_FOUND -> 404;
                case UNAVAILABLE -> 503;   // the node helper is not answering
                default -> 400;
            };
            return ErrorBody.response(status, e.getMessage(), e.kind().name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A certificate that cannot be stored, removed or obtained: 400 (the message says what is wrong with it), 404
     * unknown, 409 an ACME order for the domain already running, 502 the ACME CA unreachable or refusing.
     * Without a code: the certificate routes answer exactly {@code {"error":"..."}} (a body that is not JSON still gets
     * the shared 400 with code invalid_json).
     */
    @Provider
    public static class Certificates implements ExceptionMapper<dev.yoq.edge.CertificateStoreException> {
        @Override
        public Response toResponse(dev.yoq.edge.CertificateStoreException e) {
            int status = switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UPSTREAM -> 502;   // the ACME CA: unreachable, or it refused
            };
            return ErrorBody.response(status, e.getMessage(), null);
        }
    }

    /** A replicated write the cluster did not commit (no majority, no leader, the Raft peer starting): 503. */
    @Provider
    public static class NotCommitted implements ExceptionMapper<dev.yoq.state.NotCommittedException> {
        @Override
        public Response toResponse(dev.yoq.state.NotCommittedException e) {
            return ErrorBody.response(503, e.getMessage(), e.code());
        }
    }

    /** Anything else is our bug: log it with an id the user can quote, answer 500 without details. */
    @Provider
    public static class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            if (BodyTooLargeException.in(e)) return ErrorBody.response(413, "request body too large", null);
            String traceId = UUID.randomUUID().toString().substring(0, 8);
            LOG.log(Level.SEVERE, "internal error " + traceId, e);
            return ErrorBody.response(500, "internal error", "trace-" + traceId);
        }
    }
}
