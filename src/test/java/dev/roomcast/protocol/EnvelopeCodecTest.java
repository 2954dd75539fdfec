package dev.roomcast.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EnvelopeCodec}: the Redis body of PROTOCOL.md section 7 written and read back field for field, bodies that break
 * the contract refused with {@link InvalidEnvelopeException}, unknown fields skipped, and the pod signature that alone
 * lets a body keep the pod-only fields.
 */
class EnvelopeCodecTest {

    private static final String SECRET = "0123456789abcdef-cluster";
    private static final long RECEIVED = 1_700_000_000_000_000L;

    private final ObjectMapper mapper = new ObjectMapper();
    private final EnvelopeCodec unsigned = new EnvelopeCodec(mapper, new BodySigner((String) null));
    private final EnvelopeCodec signed = new EnvelopeCodec(mapper, new BodySigner(SECRET));

    @Test
    void everyFieldSurvivesARoundTrip() throws InvalidEnvelopeException {
        Envelope envelope = new Envelope(
                "pod1",
                DeliveryType.ROOM,
                "chat:general",
                "message.created",
                "{\"id\":12,\"text\":\"h\u00e9llo \\\"you\\\"\",\"tags\":[\"a\",null,true,2.5]}",
                List.of("pod1.1", "pod2.x"),
                new Sender("alice", "pod1.1"),
                42L,
                "trace-1",
                1_700_000_000_123_456L,
                "chat:general",
                true);

        assertEquals(envelope, unsigned.decode(unsigned.encode(envelope), RECEIVED));
    }

    @Test
    void everyDeliveryTypeSurvivesARoundTrip() throws InvalidEnvelopeException {
        for (DeliveryType type : DeliveryType.values()) {
            String target = type == DeliveryType.BROADCAST ? null : "target-" + type.wireName();
            Envelope envelope = new Envelope("pod1", type, target, "news", null, List.of(), null, null, null, 5L);

            assertEquals(envelope, unsigned.decode(unsigned.encode(envelope), RECEIVED), type.wireName());
        }
    }

    @Test
    void aMinimalEnvelopeIsWrittenWithoutItsAbsentFields() throws Exception {
        Envelope envelope =
                new Envelope("pod1", DeliveryType.BROADCAST, null, "news", null, null, null, null, null, 5L);

        String body = unsigned.encode(envelope);

        assertEquals("{\"serverId\":\"pod1\",\"type\":\"broadcast\",\"event\":\"news\",\"ts\":5}", body);
        assertEquals(envelope, unsigned.decode(body, RECEIVED));
        assertEquals(List.of(), unsigned.decode(body, RECEIVED).exclude());
    }

    @Test
    void leaveSparesAdminsIsWrittenOnlyWithALeave() throws Exception {
        Envelope withoutLeave = new Envelope(
                "pod1", DeliveryType.USER, "bob", "kicked", null, List.of(), null, null, null, 5L, null, true);
        Envelope sparingAdmins = new Envelope(
                "pod1", DeliveryType.ROOM, "live:x", "banned", null, List.of(), null, null, null, 5L, "live:x", true);
        Envelope notSparing = new Envelope(
                "pod1", DeliveryType.ROOM, "live:x", "banned", null, List.of(), null, null, null, 5L, "live:x", false);

        assertFalse(unsigned.encode(withoutLeave).contains("leaveSparesAdmins"));
        assertFalse(unsigned.decode(unsigned.encode(withoutLeave), RECEIVED).leaveSparesAdmins());
        assertTrue(unsigned.decode(unsigned.encode(sparingAdmins), RECEIVED).leaveSparesAdmins());
        assertFalse(unsigned.encode(notSparing).contains("leaveSparesAdmins"));
        assertEquals(notSparing, unsigned.decode(unsigned.encode(notSparing), RECEIVED));
    }

    @Test
    void dataIsWrittenVerbatimAndReadBackAsCompactJson() throws InvalidEnvelopeException {
        Envelope envelope = new Envelope(
                "pod1",
                DeliveryType.ROOM,
                "live:x",
                "game.move",
                "{ \"x\" : [ 1, 2 ] }",
                List.of(),
                null,
                null,
                null,
                5L);

        String body = unsigned.encode(envelope);

        assertTrue(body.contains("\"data\":{ \"x\" : [ 1, 2 ] }"), body);
        assertEquals("{\"x\":[1,2]}", unsigned.decode(body, RECEIVED).data());
    }

    @Test
    void dataMayBeAnyJsonValue() throws InvalidEnvelopeException {
        assertEquals(
                "\"text\"", unsigned.decode(body("\"data\":\"text\""), RECEIVED).data());
        assertEquals(
                "[1,{\"a\":null}]",
                unsigned.decode(body("\"data\":[1,{\"a\":null}]"), RECEIVED).data());
        assertEquals("7", unsigned.decode(body("\"data\":7"), RECEIVED).data());
        assertNull(unsigned.decode(body("\"data\":null"), RECEIVED).data());
    }

    @Test
    void aLargeDataValueIsCopiedWhole() throws InvalidEnvelopeException {
        String text = "z".repeat(1_000_000);
        Envelope envelope = new Envelope(
                "pod1",
                DeliveryType.ROOM,
                "live:x",
                "blob",
                "{\"t\":\"" + text + "\"}",
                List.of(),
                null,
                null,
                null,
                5L);

        assertEquals(envelope, unsigned.decode(unsigned.encode(envelope), RECEIVED));
    }

    @Test
    void aBodyWithoutTsIsTakenAsAcceptedWhenReceived() throws InvalidEnvelopeException {
        assertEquals(RECEIVED, unsigned.decode(body(), RECEIVED).acceptedAtMicros());
        assertEquals(99L, unsigned.decode(body("\"ts\":99"), RECEIVED).acceptedAtMicros());
    }

    @Test
    void aBroadcastLosesAnyTarget() throws InvalidEnvelopeException {
        Envelope envelope = unsigned.decode(
                "{\"serverId\":\"e\",\"type\":\"broadcast\",\"target\":\"somewhere\",\"event\":\"news\"}", RECEIVED);

        assertNull(envelope.target());
        assertEquals(Channels.BROADCAST, envelope.channel());
    }

    @Test
    void nullOptionalFieldsReadAsAbsent() throws InvalidEnvelopeException {
        Envelope envelope = unsigned.decode(
                body("\"traceId\":null,\"exclude\":null,\"from\":null,\"offset\":null," + "\"leave\":null"), RECEIVED);

        assertNull(envelope.traceId());
        assertEquals(List.of(), envelope.exclude());
        assertNull(envelope.from());
        assertNull(envelope.offset());
        assertNull(envelope.leave());
    }

    @Test
    void unknownFieldsOfAnyShapeAreSkipped() throws InvalidEnvelopeException {
        Envelope envelope = unsigned.decode(
                "{\"v\":2,\"serverId\":\"e\",\"extra\":{\"event\":\"ack\",\"n\":[1,[2]]},"
                        + "\"type\":\"user\",\"target\":\"bob\",\"more\":[{\"type\":\"room\"}],\"event\":\"news\","
                        + "\"from\":{\"userId\":\"u\",\"clientId\":\"c\",\"role\":{\"x\":1}}}",
                RECEIVED);

        assertEquals(
                new Envelope(
                        "e",
                        DeliveryType.USER,
                        "bob",
                        "news",
                        null,
                        List.of(),
                        new Sender("u", "c"),
                        null,
                        null,
                        RECEIVED),
                envelope);
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsRefused() {
        assertInvalid("[]", "body is not a JSON object");
        assertInvalid("\"text\"", "body is not a JSON object");
        assertInvalid("", "body is not a JSON object");
        assertInvalid("not json", "body is not valid JSON");
        assertInvalid("{\"serverId\":\"e\",\"type\":\"broadcast\",\"event\":\"news\"", "body is not valid JSON");
        assertInvalid("{\"serverId\":\"e\",\"type\":\"broadcast\",\"event\":\"news\",}", "body is not valid JSON");
    }

    @Test
    void theContractFieldsAreRequired() {
        assertInvalid("{\"type\":\"broadcast\",\"event\":\"news\"}", "serverId is required");
        assertInvalid("{\"serverId\":\"e\",\"event\":\"news\"}", "type must be room, user, client or broadcast");
        assertInvalid("{\"serverId\":\"e\",\"type\":\"broadcast\"}", "event is missing, malformed or reserved");
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertInvalid(
                "{\"serverId\":\"e\",\"type\":\"ROOM\",\"target\":\"r\",\"event\":\"news\"}",
                "type must be room, user, client or broadcast");
        assertInvalid(
                "{\"serverId\":\"e\",\"type\":\"everyone\",\"event\":\"news\"}",
                "type must be room, user, client or broadcast");
    }

    @Test
    void everyTypeButBroadcastNeedsATarget() {
        for (String type : new String[] {"room", "user", "client"}) {
            assertInvalid(
                    "{\"serverId\":\"e\",\"type\":\"" + type + "\",\"event\":\"news\"}",
                    "target is required for type " + type);
            assertInvalid(
                    "{\"serverId\":\"e\",\"type\":\"" + type + "\",\"target\":\"\",\"event\":\"news\"}",
                    "target is required for type " + type);
            assertInvalid(
                    "{\"serverId\":\"e\",\"type\":\"" + type + "\",\"target\":null,\"event\":\"news\"}",
                    "target is required for type " + type);
        }
    }

    @Test
    void aReservedOrMalformedEventIsRefused() {
        for (String event :
                new String[] {"ack", "join", "error", "connected", "1abc", "with space", "", "e".repeat(65)}) {
            assertInvalid(
                    "{\"serverId\":\"e\",\"type\":\"broadcast\",\"event\":\"" + event + "\"}",
                    "event is missing, malformed or reserved");
        }
    }

    @Test
    void fieldsOfTheWrongTypeAreRefused() {
        assertInvalid("{\"serverId\":7,\"type\":\"broadcast\",\"event\":\"news\"}", "serverId must be a string");
        assertInvalid("{\"serverId\":null,\"type\":\"broadcast\",\"event\":\"news\"}", "serverId must be a string");
        assertInvalid("{\"serverId\":\"e\",\"type\":[\"room\"],\"event\":\"news\"}", "type must be a string");
        assertInvalid(
                "{\"serverId\":\"e\",\"type\":\"user\",\"target\":5,\"event\":\"news\"}", "target must be a string");
        assertInvalid("{\"serverId\":\"e\",\"type\":\"broadcast\",\"event\":{}}", "event must be a string");
        assertInvalid(body("\"traceId\":1"), "traceId must be a string");
        assertInvalid(body("\"leave\":true"), "leave must be a string");
        assertInvalid(body("\"exclude\":\"pod1.1\""), "exclude must be an array of client ids");
        assertInvalid(body("\"exclude\":[\"pod1.1\",2]"), "exclude[] must be a string");
        assertInvalid(body("\"from\":\"alice\""), "from must be an object");
        assertInvalid(body("\"from\":{\"userId\":1,\"clientId\":\"c\"}"), "from.userId must be a string");
        assertInvalid(body("\"from\":{\"userId\":\"u\",\"clientId\":[]}"), "from.clientId must be a string");
        assertInvalid(body("\"offset\":\"12\""), "offset must be a 64-bit integer");
        assertInvalid(body("\"offset\":1.5"), "offset must be a 64-bit integer");
        assertInvalid(body("\"offset\":0"), "offset must be 1 or more");
        assertInvalid(body("\"offset\":-3"), "offset must be 1 or more");
        assertInvalid(body("\"ts\":\"5\""), "ts must be a 64-bit integer");
        assertInvalid(body("\"ts\":null"), "ts must be a 64-bit integer");
        assertInvalid(
                body("\"leave\":\"live:x\"", "\"leaveSparesAdmins\":\"yes\""), "leaveSparesAdmins must be a boolean");
    }

    @Test
    void anOffsetBeyondALongIsRefusedAsSuch() {
        assertInvalid(body("\"offset\":99999999999999999999"), "offset must be a 64-bit integer");
    }

    @Test
    void anythingAfterTheObjectIsRefused() {
        assertInvalid(body() + " garbage", "body must be exactly one JSON object");
        assertInvalid(body() + body(), "body must be exactly one JSON object");
        assertInvalid(body() + "}", "body must be exactly one JSON object");
    }

    @Test
    void withoutASecretNothingIsSignedAndEveryBodyKeepsItsPodFields() throws InvalidEnvelopeException {
        String body = body("\"from\":{\"userId\":\"u\",\"clientId\":\"c\"},\"offset\":3,\"leave\":\"live:x\"");

        Envelope envelope = unsigned.decode(body, RECEIVED);

        assertFalse(unsigned.encode(envelope).contains("\"sig\""));
        assertEquals(new Sender("u", "c"), envelope.from());
        assertEquals(3L, envelope.offset());
        assertEquals("live:x", envelope.leave());
    }

    @Test
    void aSignedBodyKeepsItsPodFields() throws InvalidEnvelopeException {
        Envelope envelope = podEnvelope();

        String body = signed.encode(envelope);

        assertTrue(body.matches("\\{.*,\"sig\":\"[A-Za-z0-9_-]{43}\"}"), body);
        assertEquals(envelope, signed.decode(body, RECEIVED));
    }

    @Test
    void aSignatureMayComeFirstInTheBody() throws InvalidEnvelopeException {
        String plain = unsigned.encode(podEnvelope());
        String sig = signatureOf(new BodySigner(SECRET).sign(plain));

        String sigFirst = "{\"sig\":\"" + sig + "\", " + plain.substring(1);

        assertEquals(podEnvelope(), signed.decode(sigFirst, RECEIVED));
    }

    @Test
    void aTamperedSignedBodyLosesThePodFieldsButIsStillDelivered() throws InvalidEnvelopeException {
        String body = signed.encode(podEnvelope()).replace("\"offset\":42", "\"offset\":43");

        Envelope envelope = signed.decode(body, RECEIVED);

        assertEquals(podEnvelope().withoutPodFields(), envelope);
        assertNull(envelope.from());
        assertNull(envelope.offset());
        assertNull(envelope.leave());
        assertFalse(envelope.leaveSparesAdmins());
        assertEquals("trace-9", envelope.traceId(), "traceId is not a pod-only field");
        assertEquals(List.of("pod1.1"), envelope.exclude());
    }

    @Test
    void anUnsignedOrForeignSignedBodyIsAnEmittersBody() throws InvalidEnvelopeException {
        String plain = unsigned.encode(podEnvelope());
        String foreign = new EnvelopeCodec(mapper, new BodySigner("another-secret-of-16+")).encode(podEnvelope());

        assertEquals(podEnvelope().withoutPodFields(), signed.decode(plain, RECEIVED));
        assertEquals(podEnvelope().withoutPodFields(), signed.decode(foreign, RECEIVED));
    }

    @Test
    void aSignatureThatIsNotBase64IsNoSignature() throws InvalidEnvelopeException {
        String body = signed.encode(podEnvelope());
        String broken = body.replace(signatureOf(body), "!!not base64!!");

        assertEquals(podEnvelope().withoutPodFields(), signed.decode(broken, RECEIVED));
    }

    @Test
    void aSecondSignatureIsRefused() {
        String body = signed.encode(podEnvelope());
        String twice = body.substring(0, body.length() - 1) + ",\"sig\":\"" + signatureOf(body) + "\"}";

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> signed.decode(twice, RECEIVED));
        assertEquals("sig appears twice", e.getMessage());
    }

    @Test
    void aSignatureThatIsNotAStringIsRefused() {
        InvalidEnvelopeException e =
                assertThrows(InvalidEnvelopeException.class, () -> signed.decode(body("\"sig\":5"), RECEIVED));
        assertEquals("sig must be a string", e.getMessage());
    }

    @Test
    void aPresenceNoticeWithoutAValidSignatureIsRefused() {
        Envelope notice = new Envelope(
                "pod1",
                DeliveryType.ROOM,
                "live:x",
                EventNames.PRESENCE_JOIN,
                "{\"userId\":\"u\"}",
                List.of(),
                null,
                null,
                null,
                5L);
        String plain = unsigned.encode(notice);
        String tampered = signed.encode(notice).replace("\"u\"", "\"v\"");

        InvalidEnvelopeException e = assertThrows(InvalidEnvelopeException.class, () -> signed.decode(plain, RECEIVED));
        assertEquals("presence.join without a valid pod signature", e.getMessage());
        assertThrows(InvalidEnvelopeException.class, () -> signed.decode(tampered, RECEIVED));
    }

    @Test
    void aSignedPresenceNoticeIsAccepted() throws InvalidEnvelopeException {
        Envelope notice = new Envelope(
                "pod1",
                DeliveryType.ROOM,
                "live:x",
                EventNames.PRESENCE_LEAVE,
                "{\"userId\":\"u\"}",
                List.of(),
                null,
                null,
                null,
                5L);

        assertEquals(notice, signed.decode(signed.encode(notice), RECEIVED));
        assertEquals(notice, unsigned.decode(unsigned.encode(notice), RECEIVED), "no secret: trusted");
    }

    @Test
    void signingChangesTheBodyOnlyByTheAppendedSignature() {
        String plain = unsigned.encode(podEnvelope());
        String body = signed.encode(podEnvelope());

        assertNotEquals(plain, body);
        assertEquals(plain, body.replace(",\"sig\":\"" + signatureOf(body) + "\"", ""));
    }

    private static Envelope podEnvelope() {
        return new Envelope(
                "pod1",
                DeliveryType.ROOM,
                "chat:general",
                "message.created",
                "{\"id\":1}",
                List.of("pod1.1"),
                new Sender("alice", "pod1.1"),
                42L,
                "trace-9",
                1_700_000_000_000_001L,
                "chat:general",
                true);
    }

    /** A valid broadcast body with these members added. */
    @Test
    void aSignedCommandSurvivesARoundTripWithItsFramesAsWritten() throws InvalidEnvelopeException {
        ClientCommand command = new ClientCommand(
                "pod2",
                "pod1abcdef.1z",
                "alice",
                List.of("{\"event\":\"ping\",\"id\":\"1\"}", "{\"event\":\"join\",\"data\":{\"rooms\":[\"live:a\"]}}"));

        String body = signed.encode(command);

        assertTrue(body.startsWith("{\"serverId\":\"pod2\",\"type\":\"command\",\"target\":\"pod1abcdef.1z\""), body);
        assertEquals(command, signed.decodeMessage(body, RECEIVED));
        assertEquals("ws:client:pod1abcdef.1z", command.channel());
    }

    @Test
    void anUnsignedCommandIsRefusedAndACommandIsNeverAnEvent() throws InvalidEnvelopeException {
        ClientCommand command = new ClientCommand("pod2", "pod1abcdef.1", "alice", List.of("{\"event\":\"ping\"}"));

        InvalidEnvelopeException unsignedBody = assertThrows(
                InvalidEnvelopeException.class, () -> signed.decodeMessage(unsigned.encode(command), RECEIVED));
        assertEquals("command without a valid pod signature", unsignedBody.getMessage());
        String forged = signed.encode(command).replace("alice", "mallory");
        assertThrows(InvalidEnvelopeException.class, () -> signed.decodeMessage(forged, RECEIVED));
        assertEquals(command, unsigned.decodeMessage(unsigned.encode(command), RECEIVED));
        assertThrows(InvalidEnvelopeException.class, () -> unsigned.decode(unsigned.encode(command), RECEIVED));
    }

    @Test
    void aCommandNeedsItsTargetUserAndOneToTwentyObjectFrames() {
        String head = "{\"serverId\":\"p\",\"type\":\"command\"";
        String twentyOne = "[" + String.join(",", Collections.nCopies(21, "{}")) + "]";
        for (String body : List.of(
                head + ",\"userId\":\"u\",\"frames\":[{}]}",
                head + ",\"target\":\"c\",\"frames\":[{}]}",
                head + ",\"target\":\"c\",\"userId\":\"u\"}",
                head + ",\"target\":\"c\",\"userId\":\"u\",\"frames\":[]}",
                head + ",\"target\":\"c\",\"userId\":\"u\",\"frames\":[1]}",
                head + ",\"target\":\"c\",\"userId\":\"u\",\"frames\":{}}",
                head + ",\"target\":\"c\",\"userId\":\"u\",\"frames\":" + twentyOne + "}")) {
            assertThrows(InvalidEnvelopeException.class, () -> unsigned.decodeMessage(body, RECEIVED), body);
        }
    }

    private static String body(String... members) {
        StringBuilder body = new StringBuilder("{\"serverId\":\"e\",\"type\":\"broadcast\",\"event\":\"news\"");
        for (String member : members) {
            body.append(',').append(member);
        }
        return body.append('}').toString();
    }

    private static String signatureOf(String body) {
        int start = body.indexOf("\"sig\":\"") + "\"sig\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    private void assertInvalid(String body, String message) {
        InvalidEnvelopeException e =
                assertThrows(InvalidEnvelopeException.class, () -> unsigned.decode(body, RECEIVED), body);
        assertEquals(message, e.getMessage(), body);
    }

    @Test
    void administrationNoticesRoundTripSignedAndAreDroppedUnsigned() throws InvalidEnvelopeException {
        Disconnect user = new Disconnect("pod-a", "alice", null, "banned");
        Disconnect client = new Disconnect("pod-a", null, "pod-b.7", "disconnected");
        RevocationNotice added = new RevocationNotice(
                "pod-a", false, 12, "alice", 1_800_000_000L, null, 0, 1_800_086_460L, "2026-12-03T10:00:00Z");
        RevocationNotice jti =
                new RevocationNotice("pod-a", false, 13, null, 0, "t-1", 1_800_003_600L, 1_800_003_660L, "x");
        RevocationNotice lifted = new RevocationNotice("pod-a", true, 12, null, 0, null, 0, 0, null);
        assertEquals(user, signed.decodeMessage(signed.encode(user), RECEIVED));
        assertEquals(client, signed.decodeMessage(signed.encode(client), RECEIVED));
        assertEquals(added, signed.decodeMessage(signed.encode(added), RECEIVED));
        assertEquals(jti, signed.decodeMessage(signed.encode(jti), RECEIVED));
        assertEquals(lifted, signed.decodeMessage(signed.encode(lifted), RECEIVED));
        assertEquals(Channels.user("alice"), user.channel());
        assertEquals(Channels.client("pod-b.7"), client.channel());
        assertEquals(Channels.BROADCAST, added.channel());
        // An emitter (or anyone else on Redis) cannot end sessions or change revocations.
        assertThrows(
                InvalidEnvelopeException.class,
                () -> signed.decodeMessage(unsigned.encode(user), RECEIVED),
                "an unsigned disconnect");
        assertThrows(
                InvalidEnvelopeException.class,
                () -> signed.decodeMessage(
                        "{\"serverId\":\"emitter\",\"type\":\"revocation\",\"data\":{\"lifted\":true,\"id\":12}}",
                        RECEIVED),
                "an unsigned revocation");
    }
}
