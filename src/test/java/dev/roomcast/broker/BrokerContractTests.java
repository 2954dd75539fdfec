package dev.roomcast.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} guarantees, with the node's {@link Publisher} in front of it and real WebSocket clients:
 * each target type reaches exactly its local recipients, {@code exclude} holds, one publisher's events arrive in order,
 * and interest is counted and acknowledged. One subclass per backend.
 */
abstract class BrokerContractTests {

    @TestHTTPResource("/")
    URI base;

    @Inject
    Broker broker;

    @Inject
    Publisher publisher;

    @Inject
    NodeIdentity node;

    private Envelope envelope(DeliveryType type, String target, String event, String data, List<String> exclude) {
        return new Envelope(
                node.serverId(), type, target, event, data, exclude, null, null, null, RoomcastMetrics.nowMicros());
    }

    @Test
    void subscribeCompletesAndIsBalancedByUnsubscribe() {
        String channel = Channels.room("live:contract-sub");
        broker.subscribe(channel).await().atMost(Duration.ofSeconds(5));
        broker.subscribe(channel).await().atMost(Duration.ofSeconds(5));
        assertInterest(channel, true);
        broker.unsubscribe(channel);
        assertInterest(channel, true);
        broker.unsubscribe(channel);
        assertInterest(channel, false);
    }

    /** Whether, as far as the backend lets anyone observe, the pod receives the channel. */
    protected abstract void assertInterest(String channel, boolean expected);

    @Test
    void roomEnvelopesReachTheRoomsMembersWithTheRoomField() {
        try (WsClient member = WsClient.withBearer(base, Tokens.user("c-member"));
                WsClient outsider = WsClient.withBearer(base, Tokens.user("c-out"))) {
            member.join("live:contract");
            publisher
                    .publish(envelope(DeliveryType.ROOM, "live:contract", "contract.room", "{\"n\":1}", List.of()))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            JsonNode frame = member.awaitEvent("contract.room");
            assertEquals("live:contract", frame.path("room").asText());
            assertEquals(1, frame.path("data").path("n").asInt());
            outsider.assertNothingBeforePong(
                    f -> "contract.room".equals(f.path("event").asText()), "another room's event");
            member.assertNothingBeforePong(
                    f -> "contract.room".equals(f.path("event").asText()), "a duplicate");
        }
    }

    @Test
    void userClientAndBroadcastEnvelopesReachTheirTargets() {
        try (WsClient a1 = WsClient.withBearer(base, Tokens.user("c-user"));
                WsClient a2 = WsClient.withBearer(base, Tokens.user("c-user"));
                WsClient b = WsClient.withBearer(base, Tokens.user("c-other"))) {
            publisher
                    .publish(envelope(DeliveryType.USER, "c-user", "to.user", null, List.of()))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            publisher
                    .publish(envelope(DeliveryType.CLIENT, b.clientId(), "to.client", null, List.of()))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            publisher
                    .publish(envelope(DeliveryType.BROADCAST, null, "to.all", "true", List.of(a2.clientId())))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            assertTrue(a1.awaitEvent("to.user").path("room").isMissingNode());
            a2.awaitEvent("to.user");
            b.awaitEvent("to.client");
            a1.awaitEvent("to.all");
            b.awaitEvent("to.all");
            a2.assertNothingBeforePong(f -> "to.all".equals(f.path("event").asText()), "an excluded broadcast");
            b.assertNothingBeforePong(f -> "to.user".equals(f.path("event").asText()), "another user's event");
            a1.assertNothingBeforePong(f -> "to.client".equals(f.path("event").asText()), "another client's event");
        }
    }

    @Test
    void oneSendersEventsArriveInOrder() {
        try (WsClient member = WsClient.withBearer(base, Tokens.user("c-order"))) {
            member.join("live:order");
            for (int i = 0; i < 200; i++) {
                publisher.publish(envelope(DeliveryType.ROOM, "live:order", "seq", String.valueOf(i), List.of()));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(i, member.awaitEvent("seq").path("data").asInt());
            }
        }
    }
}
