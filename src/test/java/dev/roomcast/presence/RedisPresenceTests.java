package dev.roomcast.presence;

import dev.roomcast.testing.ServicesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The presence contract on Redis, where the counts and announcements are Lua scripts. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class RedisPresenceTests extends PresenceContractTests {}
