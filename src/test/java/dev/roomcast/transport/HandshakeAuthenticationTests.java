package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ServicesResource;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md section 2, authentication at the handshake: header, query parameter, refusal with HTTP 401. */
@QuarkusTest
@WithTestResource(ServicesResource.class)
class HandshakeAuthenticationTests {

    @TestHTTPResource("/")
    URI base;

    @Inject
    UpgradeRequestProbe probe;

    @Test
    void bearerHeaderAuthenticatesAtOnceAndConnectedIsTheFirstFrame() {
        try (WsClient client = WsClient.open(base, null, Map.of("Authorization", "Bearer " + Tokens.user("alice")))) {
            JsonNode first = client.next();
            assertEquals("connected", first.path("event").asText());
            JsonNode data = first.path("data");
            assertEquals("alice", data.path("userId").asText());
            assertFalse(data.path("id").asText().isEmpty());
            assertFalse(data.path("pod").asText().isEmpty());
            assertTrue(data.path("heartbeatMs").isIntegralNumber());
            Instant time = Instant.parse(data.path("time").asText());
            assertTrue(Math.abs(ChronoUnit.SECONDS.between(time, Instant.now())) < 60);
        }
    }

    @Test
    void queryParameterTokenAuthenticates() {
        try (WsClient client = WsClient.withQueryToken(base, Tokens.user("bob"))) {
            assertEquals(
                    "bob", client.connectedFrame().path("data").path("userId").asText());
        }
    }

    @Test
    void clientIdsAreUniquePerConnection() {
        try (WsClient one = WsClient.withBearer(base, Tokens.user("carol"));
                WsClient two = WsClient.withBearer(base, Tokens.user("carol"))) {
            assertNotEquals(one.clientId(), two.clientId());
        }
    }

    /** Verified tokens are remembered by the pod: only the exact same text may skip the signature check. */
    @Test
    void aTokenAcceptedBeforeIsAcceptedAgainAndNoAlteredCopyOfItIs() {
        String token = Tokens.user("erin");
        for (int i = 0; i < 2; i++) {
            try (WsClient client = WsClient.withQueryToken(base, token)) {
                assertEquals(
                        "erin",
                        client.connectedFrame().path("data").path("userId").asText());
            }
        }
        String[] parts = token.split("\\.");
        String signature = parts[2];
        char last = signature.charAt(signature.length() - 2);
        String otherSignature = signature.substring(0, signature.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + signature.charAt(signature.length() - 1);
        String payloadForMallory = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]))
                        .replace("\"erin\"", "\"mall\"")
                        .getBytes(StandardCharsets.UTF_8));
        for (String altered : new String[] {
            parts[0] + "." + parts[1] + "." + otherSignature,
            parts[0] + "." + payloadForMallory + "." + signature,
            token + "x",
            token.substring(0, token.length() - 1)
        }) {
            assertEquals(401, WsClient.refusedStatus(base, "access_token=" + altered, Map.of()), altered);
            assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + altered)));
        }
    }

    /** Compression is not negotiated: broadcasts are framed once, uncompressed, for every recipient. */
    @Test
    void anOfferOfPermessageDeflateIsAnsweredWithoutIt() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET /ws?access_token=" + Tokens.user("frank") + " HTTP/1.1\r\n"
                    + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            BufferedReader response =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertTrue(response.readLine().startsWith("HTTP/1.1 101"));
            for (String header; !(header = response.readLine()).isEmpty(); ) {
                assertFalse(header.toLowerCase(Locale.ROOT).startsWith("sec-websocket-extensions"), header);
            }
        }
    }

    /**
     * Nothing keeps the upgrade request's routing context (its headers, absolute URIs with the token, Quarkus's
     * deferred identity) for the socket's life: it is about 2 KB per idle connection.
     */
    @Test
    void theUpgradeRequestIsNotKeptAliveByTheSocket() throws InterruptedException {
        Map<String, String> headers =
                Map.of("Authorization", "Bearer " + Tokens.user("grace"), UpgradeRequestProbe.HEADER, "1");
        try (WsClient client = WsClient.open(base, null, headers)) {
            assertEquals("grace", client.next().path("data").path("userId").asText());
            for (int i = 0; i < 50 && probe.stillReachable(); i++) {
                System.gc();
                Thread.sleep(100);
            }
            assertFalse(probe.stillReachable(), "the upgrade's routing context outlived the upgrade");
            assertEquals("pong", client.request("ping", null).path("event").asText());
        }
    }

    @Test
    void invalidBearerTokenIsRefusedWith401() {
        assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer not-a-jwt")));
    }

    @Test
    void expiredTokenIsRefusedWith401() {
        String expired = Tokens.expiringAt("dave", Instant.now().minusSeconds(3600));
        assertEquals(401, WsClient.refusedStatus(base, null, Map.of("Authorization", "Bearer " + expired)));
        assertEquals(401, WsClient.refusedStatus(base, "access_token=" + expired, Map.of()));
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefusedWith401() {
        String foreign = Tokens.signedWith(Tokens.DEV_PRIVATE_KEY, Tokens.ISSUER, "mallory");
        assertEquals(401, WsClient.refusedStatus(base, "access_token=" + foreign, Map.of()));
    }

    @Test
    void withoutTokenTheSocketOpensUnauthenticatedAndWaitsForAuthenticate() {
        try (WsClient client = WsClient.open(base)) {
            JsonNode pong = client.request("ping", null);
            assertEquals("pong", pong.path("event").asText());
            JsonNode connected = client.authenticate(Tokens.user("erin"));
            assertEquals("erin", connected.path("data").path("userId").asText());
        }
    }
}
