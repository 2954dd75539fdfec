package dev.roomcast.observability.health;

import dev.roomcast.node.Drain;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN from the moment the pod starts draining, so that load balancers stop sending upgrades. */
@Readiness
@ApplicationScoped
public class DrainHealthCheck implements HealthCheck {

    private final Drain drain;

    DrainHealthCheck(Drain drain) {
        this.drain = drain;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("drain").status(!drain.isDraining()).build();
    }
}
