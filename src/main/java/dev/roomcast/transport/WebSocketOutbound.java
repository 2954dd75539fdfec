package dev.roomcast.transport;

import dev.roomcast.error.CloseCode;
import dev.roomcast.session.Outbound;
import dev.roomcast.session.WriteListener;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FutureListener;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * A session's frames as WebSocket text frames; its end as a close frame with the code and its reason.
 *
 * <p>Frames go straight to the socket's channel, pre-framed once per delivery ({@link WebSocketTextFrames}), through
 * the same Vert.x connection (and so in the same order, with the same flushing) as the frames websockets-next writes
 * itself: a broadcast costs each recipient one buffer duplicate and one channel write, with no Uni, no context capture
 * and no encoding. A text too long for one frame, or a socket whose channel is not known, goes through
 * websockets-next, which fragments it.
 */
final class WebSocketOutbound implements Outbound, FutureListener<Void> {

    private static final HttpClosedException CLOSED = new HttpClosedException("the socket is closed");

    private final WebSocketConnection connection;
    /** The upgraded HTTP connection the socket's frames travel on; null when the handshake did not expose it. */
    private final ConnectionBase channel;

    private WriteListener listener;

    WebSocketOutbound(WebSocketConnection connection, ConnectionBase channel) {
        this.connection = connection;
        this.channel = channel;
    }

    @Override
    public void bind(WriteListener listener) {
        this.listener = listener;
    }

    @Override
    public void send(String frame) {
        // Nothing may follow a close frame, whichever side sent it: Vert.x knows of both.
        if (connection.isClosed()) {
            listener.failed(CLOSED);
            return;
        }
        ByteBuf framed = channel == null ? null : WebSocketTextFrames.of(frame);
        if (framed == null) {
            connection.sendText(frame).subscribe().with(ignored -> listener.written(), listener::failed);
        } else {
            channel.writeToChannel(framed, this);
        }
    }

    /** How a channel write ended: the outbound is the listener of all of them, so a write allocates none. */
    @Override
    public void operationComplete(Future<Void> written) {
        if (written.isSuccess()) {
            listener.written();
        } else {
            listener.failed(written.cause());
        }
    }

    @Override
    public Uni<Void> close(CloseCode code) {
        return connection.close(new CloseReason(code.code(), code.reason()));
    }

    @Override
    public boolean isClosed() {
        return connection.isClosed();
    }
}
