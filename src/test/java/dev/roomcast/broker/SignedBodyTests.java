package dev.roomcast.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.protocol.BodySigner;
import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.PodBodies;
import dev.roomcast.testing.RedisCli;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 7, pod-only fields: with {@code roomcast.cluster.secret} set, what pods add for their own traffic
 * ({@code offset}, {@code from}, evictions, presence notices) counts only on a body a pod signed. A process that can
 * publish into Redis but does not hold the secret is an emitter: it cannot stall a room's stream, speak as a user,
 * remove a member or fake presence.
 */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class SignedBodyTests {

    @TestHTTPResource("/")
    URI base;

    private static boolean is(JsonNode frame, String event) {
        return event.equals(frame.path("event").asText());
    }

    @Test
    void anUnsignedOffsetIsIgnoredAndTheRoomsStreamGoesOn() {
        String room = ChatFixtures.room(base, "trust-owner", "forged-offset");
        try (WsClient owner = WsClient.withBearer(base, Tokens.user("trust-owner"))) {
            owner.join(room);
            RedisCli.publish(
                    Channels.room(room),
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":\"" + room
                            + "\",\"event\":\"message.created\",\"data\":{\"forged\":true},\"offset\":1}");
            JsonNode forged =
                    owner.awaitFrame(f -> f.path("data").path("forged").asBoolean(), "the forged event");
            assertTrue(
                    forged.path("offset").isMissingNode(), "delivered as an emitted event, without offset: " + forged);
            ChatFixtures.send(owner, room, "real");
            JsonNode real = owner.awaitFrame(f -> is(f, "message.created") && f.has("offset"), "the real message");
            assertEquals(1, real.path("offset").asLong());
            assertEquals("real", real.path("data").path("message").path("text").asText());
        }
    }

    @Test
    void anUnsignedSenderIsDroppedFromTheFrame() {
        try (WsClient reader = WsClient.withBearer(base, Tokens.user("trust-reader"))) {
            reader.join("live:forged-from");
            RedisCli.publish(
                    Channels.room("live:forged-from"),
                    "{\"serverId\":\"emitter\",\"type\":\"room\",\"target\":"
                            + "\"live:forged-from\",\"event\":\"said\",\"from\":{\"userId\":\"ceo\",\"clientId\":\"x.1\"}}");
            JsonNode said = reader.awaitEvent("said");
            assertTrue(said.path("from").isMissingNode(), "nobody may speak as a user without the secret: " + said);
            RedisCli.publish(
                    Channels.room("live:forged-from"),
                    PodBodies.signed(
                            "{\"serverId\":\"pod\",\"type\":\"room\","
                                    + "\"target\":\"live:forged-from\",\"event\":\"said\",\"from\":{\"userId\":\"ceo\",\"clientId\":\"x.1\"}}"));
            assertEquals(
                    "ceo", reader.awaitEvent("said").path("from").path("userId").asText(), "a pod's body keeps it");
        }
    }

    @Test
    void anUnsignedEvictionRemovesNobodyAndASignedOneDoes() {
        String room = ChatFixtures.room(base, "trust-host", "forged-leave", "trust-guest");
        try (WsClient host = WsClient.withBearer(base, Tokens.user("trust-host"));
                WsClient guest = WsClient.withBearer(base, Tokens.user("trust-guest"))) {
            host.join(room);
            guest.join(room);
            String removal =
                    "{\"serverId\":\"emitter\",\"type\":\"user\",\"target\":\"trust-guest\",\"event\":\"member.removed\","
                            + "\"data\":{\"room\":\"" + room + "\",\"reason\":\"kicked\"},\"leave\":\"" + room + "\"";
            RedisCli.publish(Channels.user("trust-guest"), removal + "}");
            guest.awaitEvent("member.removed");
            ChatFixtures.send(host, room, "still a member");
            assertEquals(
                    "still a member",
                    guest.awaitFrame(f -> is(f, "message.created"), "the next message")
                            .path("data")
                            .path("message")
                            .path("text")
                            .asText());

            RedisCli.publish(Channels.user("trust-guest"), PodBodies.signed(removal.replace("emitter", "pod") + "}"));
            guest.awaitEvent("member.removed");
            ChatFixtures.send(host, room, "after the signed removal");
            host.awaitFrame(f -> is(f, "message.created") && f.path("offset").asLong() == 2, "the host's copy");
            guest.assertNothingBeforePong(f -> is(f, "message.created"), "a message of a room it was removed from");
        }
    }

    @Test
    void anUnsignedPresenceNoticeIsDropped() {
        try (WsClient watcher = WsClient.withBearer(base, Tokens.user("trust-watcher"))) {
            watcher.join("live:forged-presence");
            watcher.awaitEvent("presence.join");
            String notice = "{\"serverId\":\"presence\",\"type\":\"room\",\"target\":\"live:forged-presence\","
                    + "\"event\":\"presence.leave\",\"data\":{\"userId\":\"trust-watcher\"}";
            RedisCli.publish(Channels.room("live:forged-presence"), notice + "}");
            RedisCli.publish(
                    Channels.room("live:forged-presence"),
                    "{\"serverId\":\"emitter\",\"type\":\"room\","
                            + "\"target\":\"live:forged-presence\",\"event\":\"marker\"}");
            watcher.awaitEvent("marker");
            assertTrue(
                    watcher.drain().stream().noneMatch(f -> is(f, "presence.leave")),
                    "a forged presence.leave arrived");
            RedisCli.publish(Channels.room("live:forged-presence"), PodBodies.signed(notice + "}"));
            assertEquals(
                    "trust-watcher",
                    watcher.awaitEvent("presence.leave")
                            .path("data")
                            .path("userId")
                            .asText());
        }
    }

    @Test
    void aSignatureOverAnotherBodyOrWithAnotherSecretIsNoSignature() {
        String body = "{\"serverId\":\"pod\",\"type\":\"room\",\"target\":\"live:forged-sig\",\"event\":\"said\","
                + "\"from\":{\"userId\":\"ceo\",\"clientId\":\"x.1\"}}";
        try (WsClient reader = WsClient.withBearer(base, Tokens.user("trust-sig"))) {
            reader.join("live:forged-sig");
            RedisCli.publish(
                    Channels.room("live:forged-sig"), PodBodies.signed(body).replace("ceo", "cfo"));
            assertTrue(reader.awaitEvent("said").path("from").isMissingNode(), "a body changed after signing");
            RedisCli.publish(
                    Channels.room("live:forged-sig"), new BodySigner("not-the-cluster-secret-at-all").sign(body));
            assertTrue(reader.awaitEvent("said").path("from").isMissingNode(), "signed with another secret");
            RedisCli.publish(Channels.room("live:forged-sig"), PodBodies.signed(body));
            assertEquals(
                    "ceo", reader.awaitEvent("said").path("from").path("userId").asText(), "the cluster's signature");
        }
    }

    @Test
    void aSignatureCanComeFirstOrWithSpaces() {
        // The signed text is the body without its sig member, wherever the member stands.
        String body = "{\"serverId\": \"pod\", \"type\": \"room\", \"target\": \"live:sig-first\", \"event\": \"said\","
                + " \"from\": {\"userId\": \"ceo\", \"clientId\": \"x.1\"}}";
        String signed = PodBodies.signed(body);
        String sigMember = signed.substring(signed.lastIndexOf(",\"sig\"") + 1, signed.length() - 1);
        String first = "{" + sigMember + ", " + body.substring(1);
        try (WsClient reader = WsClient.withBearer(base, Tokens.user("trust-first"))) {
            reader.join("live:sig-first");
            RedisCli.publish(Channels.room("live:sig-first"), first);
            assertEquals(
                    "ceo", reader.awaitEvent("said").path("from").path("userId").asText(), first);
        }
    }
}
