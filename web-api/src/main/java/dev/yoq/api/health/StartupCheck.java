package dev.yoq.api.health;

import dev.yoq.server.ServerStartup;
import dev.yoq.server.StartupReport;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once the data directory, token, schema and node identity are in place. */
@Startup
@ApplicationScoped
public class StartupCheck implements HealthCheck {

    @EJB
    ServerStartup startup;

    @Override
    public HealthCheckResponse call() {
        StartupReport report = startup.report();
        var response = HealthCheckResponse.named("yoq-startup");
        if (report.ready()) {
            return response.up().withData("node_id", report.nodeId()).build();
        }
        return response.down().withData("reason", report.failure()).build();
    }
}
