package dev.yoq.api.limits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Optional;

import dev.yoq.api.ApiMetrics;
import dev.yoq.api.BearerTokenFilter;
import dev.yoq.api.ErrorBody;
import dev.yoq.security.ApiTokens;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Everything a request must pass before JAX-RS sees it: the wire limits, the route's body cap (declared length
 * refused at once, a chunked body counted as it is read), a bound on the memory all bodies take together, and
 * the rate limits. Requests without a valid token are limited per address ({@code yoq.api.rate-limit}, 50/s);
 * requests with the valid token per token ({@code yoq.api.rate-limit.token}, 1000/s): a process hammering the
 * API without a token can never lock out the owner of the token (they share 127.0.0.1).
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class WireLimitsFilter extends HttpFilter {
    /** How long a body may wait for room in the budget before the answer is 503. */
    private static final long BUDGET_WAIT_MS = 10_000;

    @Inject
    @ConfigProperty(name = "yoq.api.rate-limit", defaultValue = "50")
    int perSecond;

    @Inject
    @ConfigProperty(name = "yoq.api.rate-limit.token", defaultValue = "1000")
    int perTokenPerSecond;

    @Inject
    @ConfigProperty(name = "yoq.api.max-body-bytes", defaultValue = "1048576")
    long maxBodyBytes;

    @Inject
    @ConfigProperty(name = "yoq.api.max-apply-bytes", defaultValue = "8388608")
    long maxApplyBytes;

    @Inject
    @ConfigProperty(name = "yoq.api.body-budget-bytes", defaultValue = "33554432")
    long bodyBudgetBytes;

    @Inject
    ApiMetrics metrics;

    @Inject
    ApiTokens tokens;

    private volatile RateLimiter anonymous;
    private volatile RateLimiter authenticated;
    private volatile BodyLimits bodies;
    private volatile BodyBudget budget;

    @Override
    public void init() {
        anonymous = new RateLimiter(perSecond, System::currentTimeMillis);
        authenticated = new RateLimiter(perTokenPerSecond, System::currentTimeMillis);
        bodies = new BodyLimits(maxBodyBytes, maxApplyBytes);
        budget = new BodyBudget(Math.max(bodyBudgetBytes, maxApplyBytes));
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        long cap = bodies.capFor(req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo()));
        long declared = req.getContentLengthLong();
        Optional<WireLimits.Refusal> refusal = WireLimits.check(uriBytes(req), headerBytes(req), declared);
        if (refusal.isEmpty() && declared > cap) refusal = Optional.of(WireLimits.tooLarge());
        if (refusal.isEmpty() && !allowedByRate(req)) refusal = Optional.of(new WireLimits.Refusal(429, "rate limit exceeded", "rate"));
        if (refusal.isPresent()) {
            refuse(res, refusal.get());
            return;
        }
        if (declared == 0 || (declared < 0 && req.getHeader("Transfer-Encoding") == null)) {
            chain.doFilter(req, res);
            return;
        }
        BodyBudget.Reservation room = reserve(declared < 0 ? cap : Math.min(declared, cap));
        if (room == null) {
            refuse(res, new WireLimits.Refusal(503, "server busy reading other request bodies, retry", "body_budget"));
            return;
        }
        try (room) {   // given back as soon as the body has been read (a long apply does not hold it), or here at the latest
            chain.doFilter(new Capped(req, cap, room), res);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!BodyTooLargeException.in(e) || res.isCommitted()) throw e;
            refuse(res, WireLimits.tooLarge());
        }
    }

    private BodyBudget.Reservation reserve(long bytes) {
        try {
            return budget.reserve(bytes, BUDGET_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The valid token's own bucket, or the address's bucket for everything else (no token, a wrong one). */
    private boolean allowedByRate(HttpServletRequest req) {
        dev.yoq.security.TokenService.Caller caller = dev.yoq.api.Callers.identify(req, tokens);
        if (caller != null) return authenticated.allow(caller.name());
        return anonymous.allow(req.getRemoteAddr());
    }

    private void refuse(HttpServletResponse res, WireLimits.Refusal refusal) throws IOException {
        metrics.refused(refusal.reason());
        byte[] body = new ErrorBody(refusal.error(), null).toJson().getBytes(StandardCharsets.UTF_8);
        res.reset();
        res.setStatus(refusal.status());
        res.setContentType("application/json");
        res.setContentLength(body.length);
        if (refusal.status() == 429 || refusal.status() == 503) res.setHeader("Retry-After", "1");
        if (refusal.status() != 429) res.setHeader("Connection", "close");   // a refused body is not read: drop it
        res.getOutputStream().write(body);
    }

    private static int uriBytes(HttpServletRequest req) {
        String query = req.getQueryString();
        return req.getRequestURI().length() + (query == null ? 0 : query.length() + 1);
    }

    private static int headerBytes(HttpServletRequest req) {
        int total = 0;
        for (String name : Collections.list(req.getHeaderNames())) {
            for (String value : Collections.list(req.getHeaders(name))) {
                total += name.length() + 2 + value.length() + 2;
            }
        }
        return total;
    }

    /** The request with its body counted against the route's cap. */
    private static final class Capped extends HttpServletRequestWrapper {
        private final ServletInputStream in;

        Capped(HttpServletRequest req, long cap, BodyBudget.Reservation room) throws IOException {
            super(req);
            ServletInputStream raw = req.getInputStream();
            CappedInputStream capped = new CappedInputStream(raw, cap, room::close);
            this.in = new ServletInputStream() {
                @Override public int read() throws IOException { return capped.read(); }
                @Override public int read(byte[] b, int off, int len) throws IOException { return capped.read(b, off, len); }
                @Override public boolean isFinished() { return raw.isFinished(); }
                @Override public boolean isReady() { return raw.isReady(); }
                @Override public void setReadListener(ReadListener listener) { raw.setReadListener(listener); }
            };
        }

        @Override
        public ServletInputStream getInputStream() {
            return in;
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }
}
