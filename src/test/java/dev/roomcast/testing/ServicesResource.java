package dev.roomcast.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives every {@code @QuarkusTest} and {@code @QuarkusIntegrationTest} the real PostgreSQL and Redis of
 * {@link LocalServices} and the test JWT key, with no variables to export by hand.
 */
public class ServicesResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return LocalServices.appConfig();
    }

    @Override
    public void stop() {
        // Other test classes of this JVM (multi-pod tests) may still need the servers: LocalServices stops them at
        // exit.
    }
}
