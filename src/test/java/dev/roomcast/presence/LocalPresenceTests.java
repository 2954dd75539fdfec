package dev.roomcast.presence;

import dev.roomcast.testing.LocalBrokerProfile;
import dev.roomcast.testing.ServicesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The presence contract in the single-pod mode: counts in this process, no Redis. */
@QuarkusTest
@TestProfile(LocalBrokerProfile.class)
@WithTestResource(ServicesResource.class)
class LocalPresenceTests extends PresenceContractTests {}
