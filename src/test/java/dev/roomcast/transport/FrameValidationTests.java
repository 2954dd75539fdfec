package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ProtocolClient;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.Transport;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PROTOCOL.md sections 1 and 8: the envelope, replies with and without id, bad input, 1003, 1008, 1009. Frames that
 * are JSON objects are judged the same whichever transport carries them, so those tests run over both; a body that is
 * not a JSON object never becomes a frame over SSE (400, see {@code SseTests}), and binary frames and the frame size
 * limit are WebSocket matters.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class FrameValidationTests {

    @TestHTTPResource("/")
    URI base;

    private WsClient client() {
        return WsClient.withBearer(base, Tokens.user("validator"));
    }

    private ProtocolClient client(Transport transport) {
        return transport.connect(base, Tokens.user("validator"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void malformedFramesAreBadRequestsAndTheSessionStaysOpen(Transport transport) {
        List<String> objects = List.of(
                "{\"data\":{}}",
                "{\"event\":5}",
                "{\"event\":\"join\",\"data\":\"x\"}",
                "{\"event\":\"9lives\"}",
                "{\"event\":\"a b\"}");
        List<String> notObjects = List.of("not json", "[1,2]", "{\"event\":\"join\"} trailing");
        List<String> frames = new ArrayList<>(objects);
        if (transport == Transport.WEBSOCKET) {
            frames.addAll(notObjects);
        }
        try (ProtocolClient client = client(transport)) {
            for (String bad : frames) {
                client.send(bad);
                JsonNode error = client.next();
                assertEquals("error", error.path("event").asText(), bad);
                assertEquals("BAD_REQUEST", error.path("data").path("code").asText(), bad);
                assertFalse(error.path("data").path("message").asText().isEmpty());
            }
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void errorWithIdEchoesTheIdAndErrorWithoutIdNamesTheEvent(Transport transport) {
        try (ProtocolClient client = client(transport)) {
            JsonNode withId = client.request("join", Map.of("nothing", true));
            assertEquals("BAD_REQUEST", withId.path("data").path("code").asText());
            assertTrue(withId.path("data").path("event").isMissingNode());
            client.send("{\"event\":\"join\",\"data\":{}}");
            JsonNode withoutId = client.next();
            assertTrue(withoutId.path("id").isMissingNode());
            assertEquals("join", withoutId.path("data").path("event").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aWrongIdTypeIsABadRequest(Transport transport) {
        try (ProtocolClient client = client(transport)) {
            client.send("{\"event\":\"ping\",\"id\":7}");
            assertEquals("BAD_REQUEST", client.next().path("data").path("code").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void unknownEventIsUnknownEvent(Transport transport) {
        try (ProtocolClient client = client(transport)) {
            JsonNode reply = client.request("launch.rockets", Map.of());
            assertEquals("UNKNOWN_EVENT", reply.path("data").path("code").asText());
            client.send("{\"event\":\"launch.rockets\"}");
            JsonNode silent = client.next();
            assertEquals("UNKNOWN_EVENT", silent.path("data").path("code").asText());
            assertEquals("launch.rockets", silent.path("data").path("event").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void successWithoutIdIsSilentAndPingAndHeartbeatAnswerAsSpecified(Transport transport) {
        try (ProtocolClient client = client(transport)) {
            client.send("{\"event\":\"heartbeat\"}");
            client.send("{\"event\":\"ping\"}");
            JsonNode pong = client.next();
            assertEquals("pong", pong.path("event").asText());
            assertTrue(pong.path("id").isMissingNode());
            JsonNode withId = client.request("ping", null);
            assertEquals("pong", withId.path("event").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void traceIdIsEchoedOnReplies(Transport transport) {
        try (ProtocolClient client = client(transport)) {
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

    @ParameterizedTest
    @EnumSource(Transport.class)
    void twentyInvalidFramesInARowCloseWith1008AfterTheTwentiethIsAnswered(Transport transport) {
        try (ProtocolClient client = client(transport)) {
            List<String> invalid = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                invalid.add(i % 2 == 0 ? "{\"data\":{}}" : "{\"event\":\"no.such.event\"}");
            }
            client.sendAll(invalid);
            for (int i = 1; i <= 20; i++) {
                assertEquals("error", client.next().path("event").asText(), "answer " + i);
            }
            assertEquals(1008, client.awaitClose());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aValidFrameResetsTheRunOfInvalidFrames(Transport transport) {
        try (ProtocolClient client = client(transport)) {
            for (int round = 0; round < 2; round++) {
                client.sendAll(Collections.nCopies(19, "{\"event\":5}"));
                assertEquals("pong", client.request("ping", null).path("event").asText());
            }
            assertEquals(38, client.drain().size());
            assertFalse(client.isClosed());
        }
    }
}
