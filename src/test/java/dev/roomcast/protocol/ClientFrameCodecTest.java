package dev.roomcast.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientFrameCodec}: well-formed frames, strict field types, malformed JSON and event names, and the id and
 * event a {@link FrameDecodeException} still carries for the error reply.
 */
class ClientFrameCodecTest {

    private final ClientFrameCodec codec = new ClientFrameCodec(new ObjectMapper());

    @Test
    void aFrameWithEveryFieldIsRead() throws FrameDecodeException {
        ClientFrame frame = codec.decode("{\"event\":\"join\",\"id\":\"r1\",\"traceId\":\"t-1:a/b.c_d\","
                + "\"data\":{\"rooms\":[\"live:a\"],\"n\":{\"deep\":true}}}");

        assertEquals("join", frame.event());
        assertEquals(ClientEvent.JOIN, frame.kind());
        assertEquals("r1", frame.id());
        assertEquals("t-1:a/b.c_d", frame.traceId());
        assertEquals("live:a", frame.data().path("rooms").get(0).textValue());
        assertEquals(true, frame.data().path("n").path("deep").booleanValue());
    }

    @Test
    void onlyTheEventIsRequired() throws FrameDecodeException {
        ClientFrame frame = codec.decode("{\"event\":\"ping\"}");

        assertEquals(ClientEvent.PING, frame.kind());
        assertNull(frame.id());
        assertNull(frame.data());
        assertNull(frame.traceId());
    }

    @Test
    void fieldsMayComeInAnyOrder() throws FrameDecodeException {
        ClientFrame frame = codec.decode("{\"data\":{\"x\":1},\"id\":\"7\",\"event\":\"typing\"}");

        assertEquals(ClientEvent.TYPING, frame.kind());
        assertEquals("7", frame.id());
        assertEquals(1, frame.data().path("x").intValue());
    }

    @Test
    void aNullDataIsNoData() throws FrameDecodeException {
        assertNull(codec.decode("{\"event\":\"ping\",\"data\":null}").data());
    }

    @Test
    void aWellFormedEventThatIsNoClientEventIsReadWithoutAKind() throws FrameDecodeException {
        ClientFrame frame = codec.decode("{\"event\":\"game.move\"}");

        assertEquals("game.move", frame.event());
        assertNull(frame.kind());
    }

    @Test
    void unknownFieldsOfAnyShapeAreSkipped() throws FrameDecodeException {
        ClientFrame frame =
                codec.decode("{\"extra\":{\"a\":[1,{\"event\":\"no\"}]},\"event\":\"ping\",\"more\":[{},[]],"
                        + "\"n\":null,\"id\":\"i\"}");

        assertEquals("ping", frame.event());
        assertEquals("i", frame.id());
    }

    @Test
    void aFrameThatIsNotAJsonObjectIsRefused() {
        for (String text : new String[] {"[]", "\"ping\"", "42", "null", "", "   "}) {
            FrameDecodeException e = assertThrows(FrameDecodeException.class, () -> codec.decode(text), text);
            assertEquals("frame must be a JSON object", e.getMessage(), text);
            assertNull(e.id());
            assertNull(e.event());
        }
    }

    @Test
    void invalidJsonIsRefusedWithWhatWasReadBeforeIt() {
        FrameDecodeException e = assertThrows(
                FrameDecodeException.class,
                () -> codec.decode("{\"id\":\"r9\",\"event\":\"join\",\"data\":{\"rooms\":[}"));

        assertEquals("frame is not valid JSON", e.getMessage());
        assertEquals("r9", e.id());
        assertEquals("join", e.event());
    }

    @Test
    void aTruncatedFrameIsInvalidJson() {
        FrameDecodeException e =
                assertThrows(FrameDecodeException.class, () -> codec.decode("{\"id\":\"r2\",\"event\":\"ping\""));

        assertEquals("frame is not valid JSON", e.getMessage());
        assertEquals("r2", e.id());
        assertEquals("ping", e.event());
    }

    @Test
    void anythingAfterTheObjectIsRefused() {
        FrameDecodeException twoObjects = assertThrows(
                FrameDecodeException.class,
                () -> codec.decode("{\"event\":\"ping\",\"id\":\"a\"}{\"event\":\"ping\"}"));
        assertEquals("frame must be exactly one JSON object", twoObjects.getMessage());
        assertEquals("a", twoObjects.id());
        assertEquals("ping", twoObjects.event());

        FrameDecodeException garbage =
                assertThrows(FrameDecodeException.class, () -> codec.decode("{\"event\":\"ping\"} x"));
        assertEquals("frame is not valid JSON", garbage.getMessage());
    }

    @Test
    void trailingWhitespaceIsAllowed() throws FrameDecodeException {
        assertEquals("ping", codec.decode("  {\"event\":\"ping\"} \n").event());
    }

    @Test
    void aMissingEventIsRefusedWithTheId() {
        FrameDecodeException e =
                assertThrows(FrameDecodeException.class, () -> codec.decode("{\"id\":\"r3\",\"data\":{}}"));

        assertEquals("event is required", e.getMessage());
        assertEquals("r3", e.id());
        assertNull(e.event());
    }

    @Test
    void aNonStringEventIsRefusedAndTheRestOfTheFrameIsStillReadForTheId() {
        for (String event : new String[] {"5", "null", "true", "{\"a\":1}", "[\"join\"]"}) {
            FrameDecodeException e = assertThrows(
                    FrameDecodeException.class, () -> codec.decode("{\"event\":" + event + ",\"id\":\"r4\"}"), event);
            assertEquals("event must be a string", e.getMessage(), event);
            assertEquals("r4", e.id(), event);
            assertNull(e.event(), event);
        }
    }

    @Test
    void aNonStringIdIsRefusedWithTheEvent() {
        for (String id : new String[] {"5", "null", "{}", "[\"a\"]", "1.5"}) {
            FrameDecodeException e = assertThrows(
                    FrameDecodeException.class, () -> codec.decode("{\"id\":" + id + ",\"event\":\"ping\"}"), id);
            assertEquals("id must be a string", e.getMessage(), id);
            assertNull(e.id(), id);
            assertEquals("ping", e.event(), id);
        }
    }

    @Test
    void dataThatIsNotAnObjectIsRefused() {
        for (String data : new String[] {"[]", "\"x\"", "3", "false"}) {
            FrameDecodeException e = assertThrows(
                    FrameDecodeException.class,
                    () -> codec.decode("{\"event\":\"join\",\"data\":" + data + ",\"id\":\"r5\"}"),
                    data);
            assertEquals("data must be an object", e.getMessage(), data);
            assertEquals("r5", e.id(), data);
            assertEquals("join", e.event(), data);
        }
    }

    @Test
    void aTraceIdOutsideItsAlphabetOrLengthIsRefused() {
        for (String traceId :
                new String[] {"\"a b\"", "\"line\\nforged\"", "\"\"", "\"" + "t".repeat(65) + "\"", "12", "null"}) {
            FrameDecodeException e = assertThrows(
                    FrameDecodeException.class,
                    () -> codec.decode("{\"event\":\"ping\",\"traceId\":" + traceId + ",\"id\":\"r6\"}"),
                    traceId);
            assertEquals("traceId must match [A-Za-z0-9._:/-]{1,64}", e.getMessage(), traceId);
            assertEquals("r6", e.id(), traceId);
        }
    }

    @Test
    void aTraceIdOf64CharactersIsAccepted() throws FrameDecodeException {
        String traceId = "t".repeat(64);

        assertEquals(
                traceId,
                codec.decode("{\"event\":\"ping\",\"traceId\":\"" + traceId + "\"}")
                        .traceId());
    }

    @Test
    void theFirstTypeErrorIsTheOneReported() {
        FrameDecodeException e = assertThrows(
                FrameDecodeException.class, () -> codec.decode("{\"data\":[],\"id\":1,\"event\":\"ping\"}"));

        assertEquals("data must be an object", e.getMessage());
    }

    @Test
    void aMalformedEventNameIsRefusedAndNamedBack() {
        for (String event : new String[] {"", "1abc", "_x", "with space", "caf\u00e9", "a/b", "x".repeat(65)}) {
            FrameDecodeException e = assertThrows(
                    FrameDecodeException.class,
                    () -> codec.decode("{\"event\":\"" + event + "\",\"id\":\"r7\"}"),
                    event);
            assertEquals("event name is malformed", e.getMessage(), event);
            assertEquals("r7", e.id(), event);
            assertEquals(event, e.event(), event);
        }
    }

    @Test
    void anEventNameOf64CharactersIsWellFormed() throws FrameDecodeException {
        String event = "e" + "x".repeat(63);

        assertEquals(event, codec.decode("{\"event\":\"" + event + "\"}").event());
    }

    @Test
    void aMalformedEventNameLongerThan128CharactersIsNotNamedBack() {
        String at128 = "x".repeat(128);
        String over128 = "x".repeat(129);

        FrameDecodeException named =
                assertThrows(FrameDecodeException.class, () -> codec.decode("{\"event\":\"" + at128 + "\"}"));
        FrameDecodeException unnamed = assertThrows(
                FrameDecodeException.class, () -> codec.decode("{\"event\":\"" + over128 + "\",\"id\":\"r8\"}"));

        assertEquals(at128, named.event());
        assertEquals("event name is malformed", unnamed.getMessage());
        assertNull(unnamed.event());
        assertEquals("r8", unnamed.id());
    }

    @Test
    void aLargeDataObjectIsReadWhole() throws FrameDecodeException {
        String text = "y".repeat(200_000);

        ClientFrame frame = codec.decode("{\"event\":\"message.send\",\"data\":{\"text\":\"" + text + "\"}}");

        assertEquals(ClientEvent.MESSAGE_SEND, frame.kind());
        assertEquals(text, frame.data().path("text").textValue());
    }
}
