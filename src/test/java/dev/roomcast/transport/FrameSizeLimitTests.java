package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.ShortLimitsProfile;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@code roomcast.max-frame-bytes} set from outside (4096 here): one frame over it closes with 1009. */
@QuarkusTest
@TestProfile(ShortLimitsProfile.class)
@WithTestResource(ServicesResource.class)
class FrameSizeLimitTests {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aSingleFrameOverTheConfiguredLimitClosesWith1009() {
        try (WsClient client = WsClient.withBearer(base, Tokens.user("big"))) {
            String prefix = "{\"event\":\"ping\",\"id\":\"fits\",\"data\":{\"pad\":\"";
            client.send(prefix + "x".repeat(4096 - prefix.length() - 3) + "\"}}");
            assertEquals("pong", client.awaitReply("fits").path("event").asText());
            client.send(prefix + "x".repeat(4096) + "\"}}");
            assertEquals(1009, client.awaitClose());
        }
    }
}
