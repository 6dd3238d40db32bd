package dev.yoq.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * yoq's own API counters, served as Prometheus text at {@code /metrics}: {@code yoq_api_requests_total} by
 * route template, method and status, and {@code yoq_api_auth_failures_total} by reason (missing, invalid).
 */
@ApplicationScoped
public class ApiMetrics {

    private static final Metadata REQUESTS = Metadata.builder().withName("yoq_api_requests")
            .withDescription("API requests by route template, method and status").build();
    private static final Metadata AUTH_FAILURES = Metadata.builder().withName("yoq_api_auth_failures")
            .withDescription("Requests refused for a missing or wrong bearer token").build();
    private static final Metadata REFUSED = Metadata.builder().withName("yoq_api_refused")
            .withDescription("Requests refused before routing: rate limit or wire limits").build();

    @Inject
    MetricRegistry registry;

    public void request(String route, String method, int status) {
        registry.counter(REQUESTS, new Tag("route", route), new Tag("method", method),
                new Tag("status", Integer.toString(status))).inc();
    }

    public void authFailure(String reason) {
        registry.counter(AUTH_FAILURES, new Tag("reason", reason)).inc();
    }

    public void refused(String reason) {
        registry.counter(REFUSED, new Tag("reason", reason)).inc();
    }
}
