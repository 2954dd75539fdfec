package dev.roomcast.transport;

import com.fasterxml.jackson.core.JsonFactory;
import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.Broker;
import dev.roomcast.broker.StreamDirectory;
import dev.roomcast.encryption.InvalidPublicKeyException;
import dev.roomcast.encryption.SessionKeys;
import dev.roomcast.error.CloseCode;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.ErrorMapper;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.node.Drain;
import dev.roomcast.protocol.ClientCommand;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.rest.RestRateLimits;
import dev.roomcast.security.TokenVerifier;
import dev.roomcast.security.VerifiedToken;
import dev.roomcast.session.Session;
import dev.roomcast.session.Sessions;
import dev.roomcast.session.UserConnectionLimit;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP fallback of PROTOCOL.md section 11: {@code GET /sse} streams a session's frames as Server-Sent Events, and
 * {@code POST /sse/{clientId}} feeds it client frames, whichever pod the POST reaches. Plain Vert.x routes rather than
 * a REST resource: the stream writes straight to the response, as the WebSocket path writes to its socket, with
 * nothing between the session and the bytes. The session is the same one {@code /ws} runs ({@link Sessions}).
 */
@ApplicationScoped
class SseEndpoint {

    private static final Map<String, Object> RETRY_ELSEWHERE = Map.of("retryAfterMs", 1000L);
    private static final Map<String, Object> RETRY_LATER = Map.of("retryAfterMs", 5000L);

    private final Sessions sessions;
    private final SseStreams streams;
    private final StreamDirectory directory;
    private final Broker broker;
    private final TokenVerifier verifier;
    private final UserConnectionLimit connectionLimit;
    private final RestRateLimits rateLimits;
    private final Drain drain;
    private final ServerFrames frames;
    private final NodeIdentity node;
    private final JsonFactory json;
    private final long keepAliveNanos;
    private final int maxBodyBytes;

    SseEndpoint(
            Sessions sessions,
            SseStreams streams,
            StreamDirectory directory,
            Broker broker,
            TokenVerifier verifier,
            UserConnectionLimit connectionLimit,
            RestRateLimits rateLimits,
            Drain drain,
            ServerFrames frames,
            NodeIdentity node,
            RoomcastConfig config) {
        this.sessions = sessions;
        this.streams = streams;
        this.directory = directory;
        this.broker = broker;
        this.verifier = verifier;
        this.connectionLimit = connectionLimit;
        this.rateLimits = rateLimits;
        this.drain = drain;
        this.frames = frames;
        this.node = node;
        this.json = frames.mapper().getFactory();
        // Half of heartbeatMs (itself half the heartbeat timeout), so that, checked by the sweep, no gap exceeds it.
        this.keepAliveNanos = config.heartbeat().timeout().toNanos() / 4;
        this.maxBodyBytes = config.maxFrameBytes();
    }

    void routes(@Observes Router router) {
        router.get("/sse").handler(this::stream);
        router.post("/sse/:clientId").handler(this::post);
    }

    private void stream(RoutingContext routing) {
        HttpServerResponse response = routing.response();
        if (drain.isDraining()) {
            HttpProblem.send(response, unavailable("this pod is stopping: connect again", RETRY_ELSEWHERE));
            return;
        }
        Optional<VerifiedToken> token = verify(routing);
        if (token.isEmpty()) {
            HttpProblem.send(response, authRequired());
            return;
        }
        SessionKeys keys;
        try {
            keys = HandshakeKeys.of(routing.request());
        } catch (InvalidPublicKeyException e) {
            HttpProblem.send(response, RoomcastException.badRequest(e.getMessage()));
            return;
        }
        Context requestContext = Vertx.currentContext();
        connectionLimit
                .reserve(token.get().userId())
                .emitOn(step -> requestContext.runOnContext(ignored -> step.run()))
                .subscribe()
                .with(
                        slot -> {
                            if (slot == null) {
                                HttpProblem.send(
                                        response,
                                        new RoomcastException(
                                                ErrorCode.RATE_LIMITED,
                                                "the user holds the most connections allowed",
                                                RETRY_LATER,
                                                429));
                            } else if (!response.closed()) {
                                open(response, token.get(), slot, keys);
                            }
                        },
                        failure -> HttpProblem.send(response, ErrorMapper.map(failure)));
    }

    /**
     * Answers 200 and runs the session on this stream, sealed after {@code connected} when the client sent its key; a
     * slot left unclaimed (the client left) goes back by itself.
     */
    private void open(
            HttpServerResponse response, VerifiedToken token, UserConnectionLimit.Reservation slot, SessionKeys keys) {
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        Session session = sessions.open(new SseOutbound(response, frames, keepAliveNanos, System.nanoTime()));
        SseInbox inbox = new SseInbox(session, token.userId(), sessions, Vertx.currentContext());
        // No close frame on a stream: a client that goes away has ended it normally.
        Handler<Void> ended = ignored -> {
            if (inbox.end()) {
                streams.ended(inbox);
                sessions.ended(session, CloseCode.NORMAL.code());
            }
        };
        response.endHandler(ended);
        response.closeHandler(ended);
        streams.opened(inbox);
        sessions.start(session, token, slot, keys);
    }

    private void post(RoutingContext routing) {
        HttpServerResponse response = routing.response();
        Optional<VerifiedToken> token = verify(routing);
        if (token.isEmpty()) {
            HttpProblem.send(response, authRequired());
            return;
        }
        String userId = token.get().userId();
        long waitMillis = rateLimits.tryAcquire(userId, true, System.nanoTime());
        if (waitMillis > 0) {
            HttpProblem.send(
                    response,
                    new RoomcastException(
                            ErrorCode.RATE_LIMITED,
                            "too many requests; retry after " + waitMillis + " ms",
                            Map.of("retryAfterMs", waitMillis),
                            429));
            return;
        }
        String clientId = routing.pathParam("clientId");
        LimitedBody.read(routing, maxBodyBytes, body -> {
            if (body == null) {
                HttpProblem.send(response, RoomcastException.badRequest("the body exceeds " + maxBodyBytes + " bytes"));
                return;
            }
            List<String> posted;
            try {
                posted = PostedFrames.parse(json, body.toString(StandardCharsets.UTF_8));
            } catch (RoomcastException refused) {
                HttpProblem.send(response, refused);
                return;
            }
            deliver(clientId, userId, posted)
                    .subscribe()
                    .with(
                            accepted -> response.setStatusCode(202).end(),
                            failure -> HttpProblem.send(response, ErrorMapper.map(failure)));
        });
    }

    /**
     * Hands the frames to the session: here, or through its client channel to the pod that holds it. Completes once
     * they are queued there (after every frame accepted before them), so the client's next POST runs after them.
     */
    private Uni<Void> deliver(String clientId, String userId, List<String> posted) {
        String holder = NodeIdentity.serverIdOf(clientId);
        if (holder == null) {
            return Uni.createFrom().failure(unknown());
        }
        if (holder.equals(node.serverId())) {
            SseInbox inbox = streams.find(clientId);
            if (inbox == null) {
                return Uni.createFrom().failure(unknown());
            }
            if (!inbox.userId().equals(userId)) {
                return Uni.createFrom().failure(anotherUsers());
            }
            if (!inbox.offer(posted)) {
                return Uni.createFrom()
                        .failure(new RoomcastException(
                                ErrorCode.RATE_LIMITED,
                                "more than " + SseInbox.MAX_WAITING + " frames wait on the session",
                                RETRY_ELSEWHERE,
                                429));
            }
            return Uni.createFrom().voidItem();
        }
        return directory.userOf(clientId).chain(owner -> {
            if (owner == null) {
                return Uni.createFrom().failure(unknown());
            }
            if (!owner.equals(userId)) {
                return Uni.createFrom().failure(anotherUsers());
            }
            return broker.send(new ClientCommand(node.serverId(), clientId, userId, posted));
        });
    }

    private Optional<VerifiedToken> verify(RoutingContext routing) {
        String token = RequestToken.of(routing.request());
        return token == null ? Optional.empty() : verifier.verify(token);
    }

    private static RoomcastException authRequired() {
        return new RoomcastException(
                ErrorCode.AUTH_REQUIRED, "a valid token is required (Authorization: Bearer, or ?access_token=)");
    }

    private static RoomcastException unknown() {
        return RoomcastException.notFound("no such SSE session (unknown, or closed)");
    }

    private static RoomcastException anotherUsers() {
        return RoomcastException.forbidden("the session belongs to another user");
    }

    private static RoomcastException unavailable(String message, Map<String, Object> retry) {
        return new RoomcastException(ErrorCode.INTERNAL, message, retry, 503);
    }
}
