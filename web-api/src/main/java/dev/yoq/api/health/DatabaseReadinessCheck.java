package dev.yoq.api.health;

import dev.yoq.server.ServerStartup;
import dev.yoq.server.StartupReport;
import dev.yoq.server.StatusService;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when start-up finished (migrations done, node known) and the database answers right now. */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements HealthCheck {

    @EJB
    ServerStartup startup;

    @EJB
    StatusService status;

    @Override
    public HealthCheckResponse call() {
        StartupReport report = startup.report();
        var response = HealthCheckResponse.named("database");
        if (!report.ready()) {
            return response.down().withData("reason", report.failure()).build();
        }
        try {
            boolean ok = status.databaseReady();
            return response.status(ok).withData("schema_version", report.schemaVersion()).build();
        } catch (RuntimeException e) {
            return response.down().withData("reason", String.valueOf(e.getMessage())).build();
        }
    }
}
