package dev.roomcast.observability.health;

import dev.roomcast.security.Revocations;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN until the pod has read the token revocations in force: before, it refuses every token (it cannot
 * tell a revoked one), so no client should be sent to it.
 */
@Readiness
@ApplicationScoped
public class RevocationsHealthCheck implements HealthCheck {

    private final Revocations revocations;

    RevocationsHealthCheck(Revocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("revocations")
                .status(revocations.loaded())
                .withData("inForce", revocations.size())
                .build();
    }
}
