package dev.roomcast.broker;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.LocalBrokerProfile;
import dev.roomcast.testing.Management;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The single-pod broker: the same contract without Redis. */
@QuarkusTest
@TestProfile(LocalBrokerProfile.class)
@WithTestResource(ServicesResource.class)
class LocalBrokerTests extends BrokerContractTests {

    @Inject
    LocalBroker local;

    @Override
    protected void assertInterest(String channel, boolean expected) {
        // One process: the interest is counted as a Redis broker would subscribe, and nothing reaches Redis either way.
        assertEquals(expected, local.interest(channel) > 0, channel);
        assertEquals(0, RedisCli.subscribers(channel));
    }

    @Test
    void nothingGoesThroughRedisAndReadinessNeedsNoRedis() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("solo"))) {
            client.join("live:solo");
            assertEquals(0, RedisCli.subscribers(Channels.room("live:solo")));
            assertEquals(0, RedisCli.subscribers(Channels.user("solo")));
        }
        Management.given()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'redis' }.data.broker", equalTo("local"));
    }
}
