package dev.roomcast.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ProtocolClient;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.SseClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 2: a user holds at most {@code roomcast.max-connections-per-user} sessions (429 at the handshake,
 * 1008 {@code connection limit} after a first-message authentication), and a pod holds a bounded number of sockets that
 * have not authenticated yet (503). Every slot comes back when its socket ends. Across pods: {@code MultiPodIT}.
 */
@QuarkusTest
@TestProfile(ConnectionLimitTests.SmallLimits.class)
@WithTestResource(ServicesResource.class)
class ConnectionLimitTests {

    private static final int PER_USER = 3;
    private static final int UNAUTHENTICATED = 4;

    @TestHTTPResource("/")
    URI base;

    @Test
    void oneSessionMoreThanTheUsersLimitIsRefusedAtTheHandshakeOrAtAuthentication() {
        List<WsClient> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < PER_USER; i++) {
                sessions.add(
                        i % 2 == 0
                                ? WsClient.withBearer(base, Tokens.user("many-tabs"))
                                : WsClient.withQueryToken(base, Tokens.user("many-tabs")));
            }
            assertEquals(
                    429,
                    WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + Tokens.user("many-tabs"))));
            try (WsClient late = WsClient.open(base)) {
                late.send(WsClient.frame("authenticate", "a", Map.of("token", Tokens.user("many-tabs"))));
                assertEquals(1008, late.awaitClose());
            }
            try (WsClient other = WsClient.withBearer(base, Tokens.user("one-tab"))) {
                assertEquals(
                        "one-tab",
                        other.connectedFrame().path("data").path("userId").asText(),
                        "other users are not counted");
            }
            sessions.remove(0).close();
            WsClient again = await().atMost(Duration.ofSeconds(10)).until(this::tryConnect, client -> client != null);
            sessions.add(again);
        } finally {
            sessions.forEach(WsClient::close);
        }
    }

    /** PROTOCOL.md section 11: SSE sessions count in the same limit, whichever transport the others use. */
    @Test
    void sseStreamsCountInTheUsersLimit() {
        List<ProtocolClient> sessions = new ArrayList<>();
        try {
            sessions.add(SseClient.withQueryToken(base, Tokens.user("mixed-tabs")));
            sessions.add(WsClient.withBearer(base, Tokens.user("mixed-tabs")));
            sessions.add(SseClient.withBearer(base, Tokens.user("mixed-tabs")));
            SseClient.Refusal refusal =
                    SseClient.refused(base, Map.of("Authorization", "Bearer " + Tokens.user("mixed-tabs")), "");
            assertEquals(429, refusal.status(), refusal.body());
            assertTrue(refusal.body().contains("\"RATE_LIMITED\""), refusal.body());
            assertEquals(
                    429,
                    WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + Tokens.user("mixed-tabs"))));
            sessions.remove(0).close();
            ProtocolClient again = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                try {
                                    return SseClient.withBearer(base, Tokens.user("mixed-tabs"));
                                } catch (IllegalStateException refused) {
                                    return null;
                                }
                            },
                            client -> client != null);
            sessions.add(again);
        } finally {
            sessions.forEach(ProtocolClient::close);
        }
    }

    @Test
    void aPodHoldsABoundedNumberOfUnauthenticatedSockets() {
        List<WsClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < UNAUTHENTICATED; i++) {
                waiting.add(WsClient.open(base));
            }
            assertEquals(503, WsClient.refusedStatus(base, null, Map.of()));
            try (WsClient withToken = WsClient.withBearer(base, Tokens.user("not-waiting"))) {
                assertEquals(
                        "connected",
                        withToken.connectedFrame().path("event").asText(),
                        "a token needs no waiting room");
            }
            waiting.get(0).authenticate(Tokens.user("waited"));
            WsClient next = await().atMost(Duration.ofSeconds(10))
                    .until(
                            () -> {
                                try {
                                    return WsClient.open(base);
                                } catch (IllegalStateException refused) {
                                    return null;
                                }
                            },
                            client -> client != null);
            waiting.add(next);
        } finally {
            waiting.forEach(WsClient::close);
        }
    }

    private WsClient tryConnect() {
        try {
            return WsClient.withBearer(base, Tokens.user("many-tabs"));
        } catch (IllegalStateException refused) {
            return null;
        }
    }

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "roomcast.max-connections-per-user",
                    String.valueOf(PER_USER),
                    "roomcast.auth.max-unauthenticated",
                    String.valueOf(UNAUTHENTICATED));
        }
    }
}
