package dev.roomcast.presence;

import dev.roomcast.testing.ClusterServicesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The presence contract with Redis presence on a Redis Cluster: every script on the slot of its room or user. */
@QuarkusTest
@WithTestResource(ClusterServicesResource.class)
class RedisClusterPresenceTests extends PresenceContractTests {}
