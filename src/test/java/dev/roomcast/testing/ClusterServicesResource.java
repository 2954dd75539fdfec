package dev.roomcast.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * {@link ServicesResource} in cluster mode: the same PostgreSQL and test key, with Redis the local Redis Cluster of
 * {@link LocalRedisCluster} ({@code quarkus.redis.client-type=cluster}).
 */
public class ClusterServicesResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return LocalRedisCluster.appConfig();
    }

    @Override
    public void stop() {
        // LocalRedisCluster tears the cluster down at exit if this JVM started it.
    }
}
