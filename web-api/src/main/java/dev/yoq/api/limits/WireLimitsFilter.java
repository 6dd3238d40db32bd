package dev.yoq.api.limits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Optional;

import dev.yoq.api.ApiMetrics;
import dev.yoq.api.ErrorBody;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Applies the wire limits and the per-address rate limit ({@code yoq.api.rate-limit} requests per second,
 * default 50, 0 turns it off) to every request of the API before JAX-RS sees it.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class WireLimitsFilter extends HttpFilter {

    @Inject
    @ConfigProperty(name = "yoq.api.rate-limit", defaultValue = "50")
    int perSecond;

    @Inject
    ApiMetrics metrics;

    private volatile RateLimiter limiter;

    @Override
    public void init() {
        limiter = new RateLimiter(perSecond, System::currentTimeMillis);
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Optional<WireLimits.Refusal> refusal = WireLimits.check(uriBytes(req), headerBytes(req),
                req.getContentLengthLong());
        if (refusal.isEmpty() && !limiter.allow(req.getRemoteAddr())) {
            refusal = Optional.of(new WireLimits.Refusal(429, "rate limit exceeded", "rate"));
        }
        if (refusal.isPresent()) {
            refuse(res, refusal.get());
            return;
        }
        chain.doFilter(req, res);
    }

    private void refuse(HttpServletResponse res, WireLimits.Refusal refusal) throws IOException {
        metrics.refused(refusal.reason());
        byte[] body = new ErrorBody(refusal.error(), null).toJson().getBytes(StandardCharsets.UTF_8);
        res.setStatus(refusal.status());
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.setHeader("Connection", "close");
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
}
