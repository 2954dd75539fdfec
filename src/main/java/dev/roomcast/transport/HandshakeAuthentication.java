package dev.roomcast.transport;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.encryption.InvalidPublicKeyException;
import dev.roomcast.encryption.SessionKeys;
import dev.roomcast.hub.Hub;
import dev.roomcast.node.Drain;
import dev.roomcast.security.TokenVerifier;
import dev.roomcast.security.VerifiedToken;
import dev.roomcast.session.UserConnectionLimit;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.WebServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication at the handshake: a token in {@code Authorization: Bearer} or {@code ?access_token=} (for
 * browsers, which cannot set headers on a WebSocket) is verified before the upgrade. Invalid or expired: HTTP 401
 * and no socket. A {@code publicKey} (PROTOCOL.md section 10) that is not a P-256 key: HTTP 400. A user who already
 * holds {@code roomcast.max-connections-per-user} sessions: HTTP 429. Valid: the verified identity, the session's keys
 * when it asked for encryption and the user's connection slot travel to the connection in its {@link UserData}. No
 * token: the
 * socket opens unauthenticated and must send {@code authenticate}, unless the pod already holds
 * {@code roomcast.auth.max-unauthenticated} such sockets (503). A draining pod refuses every upgrade with 503.
 */
@ApplicationScoped
public class HandshakeAuthentication implements HttpUpgradeCheck {

    public static final UserData.TypedKey<VerifiedToken> TOKEN = new UserData.TypedKey<>("roomcast.token");
    public static final UserData.TypedKey<UserConnectionLimit.Reservation> SLOT =
            new UserData.TypedKey<>("roomcast.slot");
    public static final UserData.TypedKey<SessionKeys> KEYS = new UserData.TypedKey<>("roomcast.keys");
    /** The upgraded HTTP connection, which the socket's frames travel on (see {@link WebSocketOutbound}). */
    static final UserData.TypedKey<ConnectionBase> CHANNEL = new UserData.TypedKey<>("roomcast.channel");

    private static final Map<String, List<String>> CHALLENGE =
            Map.of("WWW-Authenticate", List.of("Bearer error=\"invalid_token\""));

    private static final Map<String, List<String>> RETRY_ELSEWHERE = Map.of("Retry-After", List.of("1"));
    private static final Map<String, List<String>> RETRY_LATER = Map.of("Retry-After", List.of("5"));

    private final TokenVerifier verifier;
    private final UserConnectionLimit connectionLimit;
    private final Hub hub;
    private final Drain drain;
    private final int maxUnauthenticated;

    HandshakeAuthentication(
            TokenVerifier verifier, UserConnectionLimit connectionLimit, Hub hub, Drain drain, RoomcastConfig config) {
        this.verifier = verifier;
        this.connectionLimit = connectionLimit;
        this.hub = hub;
        this.drain = drain;
        this.maxUnauthenticated = config.auth().maxUnauthenticated();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (drain.isDraining()) {
            // A stopping pod takes no new sockets; the client's retry lands on another pod.
            return CheckResult.rejectUpgrade(503, RETRY_ELSEWHERE);
        }
        String token = RequestToken.of(context.httpRequest());
        if (token == null) {
            if (hub.unauthenticatedCount() >= maxUnauthenticated) {
                return CheckResult.rejectUpgrade(503, RETRY_ELSEWHERE);
            }
            prepareUpgrade(context);
            return CheckResult.permitUpgrade();
        }
        Optional<VerifiedToken> verified = verifier.verify(token);
        if (verified.isEmpty()) {
            return CheckResult.rejectUpgrade(401, CHALLENGE);
        }
        SessionKeys keys;
        try {
            keys = HandshakeKeys.of(context.httpRequest());
        } catch (InvalidPublicKeyException e) {
            return CheckResult.rejectUpgrade(400);
        }
        // The count is answered on another loop; the upgrade goes on on the request's own.
        Context requestContext = Vertx.currentContext();
        return connectionLimit
                .reserve(verified.get().userId())
                .emitOn(step -> {
                    if (requestContext == null) {
                        step.run();
                    } else {
                        requestContext.runOnContext(ignored -> step.run());
                    }
                })
                .map(reservation -> {
                    if (reservation == null) {
                        return CheckResult.rejectUpgradeSync(429, RETRY_LATER);
                    }
                    context.userData().put(TOKEN, verified.get());
                    context.userData().put(SLOT, reservation);
                    if (keys != null) {
                        context.userData().put(KEYS, keys);
                    }
                    prepareUpgrade(context);
                    return CheckResult.permitUpgradeSync();
                });
    }

    private static void prepareUpgrade(HttpUpgradeContext context) {
        // WebSocket upgrades are HTTP/1.1 (Vert.x has no RFC 8441), whose connections are Vert.x ConnectionBases.
        if (context.httpRequest().connection() instanceof ConnectionBase channel) {
            context.userData().put(CHANNEL, channel);
        }
        // The socket is authenticated by Roomcast's own token check, never by Quarkus Security. While the upgrade
        // request carries Quarkus's deferred identity, websockets-next keeps the whole routing context for the life
        // of the socket to resolve it (about 2 KB per connection: the request, its absolute URIs with the token, the
        // memoized identity and its captured contexts); without it the routing context goes when the upgrade is done.
        if (context.httpRequest() instanceof WebServerRequest request) {
            request.routingContext().remove(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        }
    }
}
