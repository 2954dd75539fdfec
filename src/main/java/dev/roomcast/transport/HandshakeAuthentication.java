package dev.roomcast.transport;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.roomcast.node.Drain;
import dev.roomcast.security.TokenVerifier;
import dev.roomcast.security.VerifiedToken;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Authentication at the handshake: a token in {@code Authorization: Bearer} or {@code ?access_token=} (for
 * browsers, which cannot set headers on a WebSocket) is verified before the upgrade. Invalid or expired: HTTP 401
 * and no socket. Valid: the verified identity travels to the connection in its {@link UserData}. No token: the
 * socket opens unauthenticated and must send {@code authenticate}. A draining pod refuses every upgrade with 503.
 */
@ApplicationScoped
public class HandshakeAuthentication implements HttpUpgradeCheck {

    public static final UserData.TypedKey<VerifiedToken> TOKEN = new UserData.TypedKey<>("roomcast.token");
    private static final Map<String, List<String>> CHALLENGE = Map.of("WWW-Authenticate",
            List.of("Bearer error=\"invalid_token\""));
    private static final String BEARER = "Bearer ";

    private static final Map<String, List<String>> RETRY_ELSEWHERE = Map.of("Retry-After", List.of("1"));

    private final TokenVerifier verifier;
    private final Drain drain;

    HandshakeAuthentication(TokenVerifier verifier, Drain drain) {
        this.verifier = verifier;
        this.drain = drain;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (drain.isDraining()) {
            // A stopping pod takes no new sockets; the client's retry lands on another pod.
            return CheckResult.rejectUpgrade(503, RETRY_ELSEWHERE);
        }
        HttpServerRequest request = context.httpRequest();
        String token = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            token = request.getParam("access_token");
        }
        if (token == null) {
            return CheckResult.permitUpgrade();
        }
        Optional<VerifiedToken> verified = verifier.verify(token);
        if (verified.isEmpty()) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        context.userData().put(TOKEN, verified.get());
        return CheckResult.permitUpgrade();
    }

    private static String bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }
}
