package dev.yoq.api.health;

import dev.yoq.node.HelperSupervisor;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the node helper this server supervises is not answering (no container can start, names are
 * not resolved): the reason says for how long and why. A server that does not supervise a helper (not started
 * as root by {@code yoq server start}) reports the helper's state without going DOWN over it.
 */
@Readiness
@ApplicationScoped
public class NodeHelperReadinessCheck implements HealthCheck {

    @EJB
    HelperSupervisor helper;

    @Override
    public HealthCheckResponse call() {
        String problem = helper.problem();
        var response = HealthCheckResponse.named("node-helper").withData("supervised", helper.supervised());
        if (problem == null) return response.up().build();
        return response.status(!helper.supervised()).withData("reason", problem).build();
    }
}
