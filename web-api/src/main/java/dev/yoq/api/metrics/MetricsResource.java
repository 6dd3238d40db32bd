package dev.yoq.api.metrics;

import dev.yoq.api.ErrorBody;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code GET /v1/metrics?format=prometheus}: every metric of the server (base, vendor, application) as
 * Prometheus text, behind the bearer token. This is where scrapers go when {@code /metrics} is closed with
 * {@code yoq.metrics.authentication=true}. The other modes of the original's route (network, pairs, storage
 * I/O, GPU counters) come with the features that produce them.
 */
@Path("v1/metrics")
public class MetricsResource {

    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    @Inject
    @RegistryScope(scope = MetricRegistry.BASE_SCOPE)
    MetricRegistry base;

    @Inject
    @RegistryScope(scope = MetricRegistry.VENDOR_SCOPE)
    MetricRegistry vendor;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry application;

    @GET
    @Produces({PROMETHEUS, "application/json"})
    @Operation(summary = "Every metric of the server as Prometheus text (format=prometheus)")
    public Response get(@QueryParam("format") String format, @QueryParam("mode") String mode) {
        if (!"prometheus".equals(format)) {
            return ErrorBody.response(501, "only format=prometheus is available so far; network, pairs, "
                    + "storage_io and gpu metrics come with the features that produce them", "not_implemented");
        }
        StringBuilder out = new StringBuilder(16 * 1024);
        PrometheusText.render("base", base.getMetrics(), base::getMetadata, out);
        PrometheusText.render("vendor", vendor.getMetrics(), vendor::getMetadata, out);
        PrometheusText.render("application", application.getMetrics(), application::getMetadata, out);
        return Response.ok(out.toString(), PROMETHEUS).build();
    }
}
