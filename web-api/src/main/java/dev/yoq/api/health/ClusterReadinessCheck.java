package dev.yoq.api.health;

import dev.yoq.cluster.ClusterInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** A cluster server is not ready until its Raft peer runs (a single node is always ready here). */
@Readiness
@ApplicationScoped
public class ClusterReadinessCheck implements HealthCheck {

    @Inject
    ClusterInfo cluster;

    @Override
    public HealthCheckResponse call() {
        String problem = cluster.notReadyReason();
        var response = HealthCheckResponse.named("cluster").withData("clustered", cluster.clustered());
        if (problem == null) return response.up().build();
        return response.down().withData("reason", problem).build();
    }
}
