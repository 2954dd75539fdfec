package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md sections 1 and 8: the envelope, replies with and without id, bad input, 1003, 1008, 1009. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class FrameValidationTests {

    @TestHTTPResource("/")
    URI base;

    private WsClient client() {
        return WsClient.withBearer(base, Tokens.user("validator"));
    }

    @Test
    void malformedFramesAreBadRequestsAndTheSocketStaysOpen() {
        try (WsClient client = client()) {
            for (String bad : List.of(
                    "not json",
                    "[1,2]",
                    "{\"data\":{}}",
                    "{\"event\":5}",
                    "{\"event\":\"join\",\"data\":\"x\"}",
                    "{\"event\":\"9lives\"}",
                    "{\"event\":\"join\"} trailing",
                    "{\"event\":\"a b\"}")) {
                client.send(bad);
                JsonNode error = client.next();
                assertEquals("error", error.path("event").asText(), bad);
                assertEquals("BAD_REQUEST", error.path("data").path("code").asText(), bad);
                assertFalse(error.path("data").path("message").asText().isEmpty());
            }
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @Test
    void errorWithIdEchoesTheIdAndErrorWithoutIdNamesTheEvent() {
        try (WsClient client = client()) {
            JsonNode withId = client.request("join", Map.of("nothing", true));
            assertEquals("BAD_REQUEST", withId.path("data").path("code").asText());
            assertTrue(withId.path("data").path("event").isMissingNode());
            client.send("{\"event\":\"join\",\"data\":{}}");
            JsonNode withoutId = client.next();
            assertTrue(withoutId.path("id").isMissingNode());
            assertEquals("join", withoutId.path("data").path("event").asText());
        }
    }

    @Test
    void aWrongIdTypeIsABadRequest() {
        try (WsClient client = client()) {
            client.send("{\"event\":\"ping\",\"id\":7}");
            assertEquals("BAD_REQUEST", client.next().path("data").path("code").asText());
        }
    }

    @Test
    void unknownEventIsUnknownEvent() {
        try (WsClient client = client()) {
            JsonNode reply = client.request("launch.rockets", Map.of());
            assertEquals("UNKNOWN_EVENT", reply.path("data").path("code").asText());
            client.send("{\"event\":\"launch.rockets\"}");
            JsonNode silent = client.next();
            assertEquals("UNKNOWN_EVENT", silent.path("data").path("code").asText());
            assertEquals("launch.rockets", silent.path("data").path("event").asText());
        }
    }

    @Test
    void successWithoutIdIsSilentAndPingAndHeartbeatAnswerAsSpecified() {
        try (WsClient client = client()) {
            client.send("{\"event\":\"heartbeat\"}");
            client.send("{\"event\":\"ping\"}");
            JsonNode pong = client.next();
            assertEquals("pong", pong.path("event").asText());
            assertTrue(pong.path("id").isMissingNode());
            JsonNode withId = client.request("ping", null);
            assertEquals("pong", withId.path("event").asText());
        }
    }

    @Test
    void traceIdIsEchoedOnReplies() {
        try (WsClient client = client()) {
            client.send(
                    "{\"event\":\"join\",\"id\":\"t1\",\"traceId\":\"trace-42\",\"data\":{\"rooms\":[\"live:trace\"]}}");
            JsonNode ack = client.awaitReply("t1");
            assertEquals("trace-42", ack.path("traceId").asText());
        }
    }

    @Test
    void binaryFrameClosesWith1003() {
        try (WsClient client = client()) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertEquals(1003, client.awaitClose());
        }
    }

    @Test
    void frameOverTheSizeLimitClosesWith1009() {
        try (WsClient client = client()) {
            String big = "{\"event\":\"ping\",\"data\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}";
            client.send(big);
            assertEquals(1009, client.awaitClose());
        }
    }

    @Test
    void frameJustUnderTheSizeLimitIsAccepted() {
        try (WsClient client = client()) {
            String prefix = "{\"event\":\"ping\",\"id\":\"big\",\"data\":{\"pad\":\"";
            String frame = prefix + "x".repeat(65_536 - prefix.length() - 3) + "\"}}";
            assertEquals(65_536, frame.length());
            client.send(frame);
            assertEquals("pong", client.awaitReply("big").path("event").asText());
        }
    }

    @Test
    void twentyInvalidFramesInARowCloseWith1008AfterTheTwentiethIsAnswered() {
        try (WsClient client = client()) {
            for (int i = 1; i <= 20; i++) {
                client.send(i % 2 == 0 ? "nope" : "{\"event\":\"no.such.event\"}");
            }
            for (int i = 1; i <= 20; i++) {
                assertEquals("error", client.next().path("event").asText(), "answer " + i);
            }
            assertEquals(1008, client.awaitClose());
        }
    }

    @Test
    void aValidFrameResetsTheRunOfInvalidFrames() {
        try (WsClient client = client()) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 19; i++) {
                    client.send("nope");
                }
                assertEquals("pong", client.request("ping", null).path("event").asText());
            }
            assertEquals(38, client.drain().size());
            assertFalse(client.isClosed());
        }
    }
}
