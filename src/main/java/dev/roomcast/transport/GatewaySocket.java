package dev.roomcast.transport;

import dev.roomcast.error.CloseCode;
import dev.roomcast.session.Session;
import dev.roomcast.session.Sessions;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.InboundProcessingMode;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPingMessage;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.impl.ConnectionBase;
import org.jboss.logging.Logger;

/**
 * The {@code /ws} endpoint: transport only. Every callback returns a {@code Uni}, so it runs on the connection's
 * event loop; the session runs its frames one at a time, in order (see {@code FrameInbox}), and its state machine
 * does the rest. websockets-next's own serial mode is off: it queues without bound, and its queue costs about a
 * kilobyte per connection.
 */
@WebSocket(path = "/ws", inboundProcessingMode = InboundProcessingMode.CONCURRENT)
public class GatewaySocket {

    private static final Logger LOG = Logger.getLogger(GatewaySocket.class);
    private static final UserData.TypedKey<Session> SESSION = new UserData.TypedKey<>("roomcast.session");
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();
    /** RFC 6455's "no status received": what the transport reports for a socket that ended without a close frame. */
    private static final int NO_STATUS = 1005;

    private final Sessions sessions;

    GatewaySocket(Sessions sessions) {
        this.sessions = sessions;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        ConnectionBase channel = connection.userData().remove(HandshakeAuthentication.CHANNEL);
        if (channel != null) {
            ReadIdleTimer.install(channel.channelHandlerContext().pipeline());
        }
        Session session = sessions.open(new WebSocketOutbound(connection, channel));
        connection.userData().put(SESSION, session);
        sessions.start(
                session,
                connection.userData().remove(HandshakeAuthentication.TOKEN),
                connection.userData().remove(HandshakeAuthentication.SLOT),
                connection.userData().remove(HandshakeAuthentication.KEYS));
        return DONE;
    }

    @OnTextMessage
    public Uni<Void> onText(String text, WebSocketConnection connection) {
        sessions.receive(connection.userData().get(SESSION), text);
        return DONE;
    }

    @OnBinaryMessage
    public Uni<Void> onBinary(Buffer ignored, WebSocketConnection connection) {
        sessions.unsupportedFrame(connection.userData().get(SESSION));
        return DONE;
    }

    @OnPingMessage
    public Uni<Void> onPing(Buffer ignored, WebSocketConnection connection) {
        sessions.activity(connection.userData().get(SESSION));
        return DONE;
    }

    @OnPongMessage
    public Uni<Void> onPong(Buffer ignored, WebSocketConnection connection) {
        sessions.activity(connection.userData().get(SESSION));
        return DONE;
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        if (session != null) {
            sessions.ended(session, transportCode(connection.closeReason()));
        }
        return DONE;
    }

    @OnError
    public Uni<Void> onError(Throwable failure, WebSocketConnection connection) {
        Session session = connection.userData().get(SESSION);
        int transportCode = transportCloseCode(failure);
        if (transportCode != 0) {
            if (!connection.isClosed()) {
                connection
                        .close(new CloseReason(
                                transportCode,
                                transportCode == CloseCode.MESSAGE_TOO_BIG.code()
                                        ? CloseCode.MESSAGE_TOO_BIG.reason()
                                        : CloseCode.PROTOCOL_ERROR.reason()))
                        .subscribe()
                        .with(v -> {}, f -> {});
            }
            return DONE;
        }
        if (failure instanceof HttpClosedException) {
            LOG.debugf("%s: written to after close", connection.id());
            return DONE;
        }
        if (session != null) {
            sessions.failed(session, failure);
        } else {
            // The failure came from opening the session itself: nothing is registered to clean up.
            LOG.errorf(failure, "closing %s: the session could not be opened", connection.id());
            connection
                    .close(new CloseReason(CloseCode.INTERNAL_ERROR.code(), CloseCode.INTERNAL_ERROR.reason()))
                    .subscribe()
                    .with(v -> {}, f -> {});
        }
        return DONE;
    }

    /**
     * The code the peer closed with; null for a socket that ended without a close frame (an empty close frame is
     * reported as 1000).
     */
    private static Integer transportCode(CloseReason reason) {
        return reason == null || reason.getCode() == NO_STATUS ? null : reason.getCode();
    }

    /**
     * Failures of the WebSocket transport itself: a single frame over the limit is refused by Netty's decoder
     * (1009, or 1002 for a malformed frame); a fragmented message over the limit by Vert.x's frame aggregator, which
     * reports it only as an IllegalStateException naming the max message size.
     *
     * @return the close code for a transport failure, or 0 for anything else
     */
    private static int transportCloseCode(Throwable failure) {
        if (failure instanceof CorruptedWebSocketFrameException corrupted) {
            return corrupted.closeStatus().code();
        }
        if (failure instanceof IllegalStateException
                && failure.getMessage() != null
                && failure.getMessage().contains("max message size")) {
            return CloseCode.MESSAGE_TOO_BIG.code();
        }
        return 0;
    }
}
