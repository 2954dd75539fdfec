package dev.roomcast.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.testing.RedisCli;
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
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where other pods find an SSE session's user (PROTOCOL.md section 11, between pods): the pod's hash
 * {@code sse:pod:{serverId}} in Redis, under a lease of {@code roomcast.presence.ttl}, listed again when Redis lost it.
 */
@QuarkusTest
@TestProfile(StreamDirectoryTests.ShortLease.class)
@WithTestResource(ServicesResource.class)
class StreamDirectoryTests {

    public static final class ShortLease implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("roomcast.presence.ttl", "3s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void anSseSessionIsListedUnderItsPodWithALeaseUntilItCloses() {
        String key;
        String clientId;
        try (SseClient stream = SseClient.withBearer(base, Tokens.user("dir-ann"));
                WsClient socket = WsClient.withBearer(base, Tokens.user("dir-ann"))) {
            clientId = stream.clientId();
            key = Channels.streams(NodeIdentity.serverIdOf(clientId));
            assertEquals("dir-ann", RedisCli.run("HGET", key, clientId).trim());
            long lease = Long.parseLong(RedisCli.run("PTTL", key).trim());
            assertTrue(lease > 0 && lease <= 3000, "a lease of presence.ttl, got " + lease);
            assertEquals("", RedisCli.run("HGET", key, socket.clientId()).trim(), "WebSocket sessions are not listed");
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> RedisCli.run("HGET", key, clientId).trim().isEmpty());
    }

    @Test
    void theListComesBackWhenRedisLosesIt() {
        try (SseClient stream = SseClient.withBearer(base, Tokens.user("dir-bea"))) {
            String key = Channels.streams(NodeIdentity.serverIdOf(stream.clientId()));
            assertEquals("1", RedisCli.run("DEL", key).trim(), "as a Redis restart without its data would");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> "dir-bea"
                            .equals(RedisCli.run("HGET", key, stream.clientId()).trim()));
            assertEquals("pong", stream.request("ping", null).path("event").asText());
        }
    }
}
