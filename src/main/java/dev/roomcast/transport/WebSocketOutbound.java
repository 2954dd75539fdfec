package dev.roomcast.transport;

import dev.roomcast.encryption.FrameSealer;
import dev.roomcast.error.CloseCode;
import dev.roomcast.session.Outbound;
import dev.roomcast.session.WriteListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
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
 *
 * <p>A channel write carries no promise (allocating one per recipient was most of a broadcast's garbage): when the
 * socket has taken everything after a write, as it does while the client reads, the write is reported done at once;
 * otherwise an empty write with a promise follows, and its completion reports every write before it (a channel writes
 * in order). So a promise is made only for a socket with a backlog, and at most one is outstanding.
 */
final class WebSocketOutbound implements Outbound, ChannelFutureListener {

    private static final HttpClosedException CLOSED = new HttpClosedException("the socket is closed");

    private final WebSocketConnection connection;
    /** The upgraded HTTP connection the socket's frames travel on; null when the handshake did not expose it. */
    private final ConnectionBase channel;

    private WriteListener listener;
    /** Writes handed to the channel, and how many of them were reported to the listener. */
    private long sent;

    private long reported;
    /** How many writes the outstanding empty write covers; 0 when there is none. */
    private long marked;

    WebSocketOutbound(WebSocketConnection connection, ConnectionBase channel) {
        this.connection = connection;
        this.channel = channel;
    }

    @Override
    public String transport() {
        return "websocket";
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
            // The channel's own void promise, which stays silent on failure (Vert.x's fires it through the pipeline as
            // an error of the socket's): a failed write closes the channel, which fails the empty write settle() adds.
            channel.writeToChannel(framed, channel.channel().unsafe().voidPromise());
            sent++;
            settle();
        }
    }

    /** Reports the writes the socket has taken, or has an empty write follow them to hear when it does. */
    private void settle() {
        if (reported == sent || marked != 0) {
            return;
        }
        ChannelOutboundBuffer backlog = channel.channel().unsafe().outboundBuffer();
        if (backlog != null && backlog.totalPendingWriteBytes() == 0) {
            reportWritten(sent);
        } else {
            marked = sent;
            ChannelPromise promise = channel.channelHandlerContext().newPromise();
            promise.addListener(this);
            channel.writeToChannel(Unpooled.EMPTY_BUFFER, promise);
        }
    }

    /** The empty write ended: every write made before it ended the same way. */
    @Override
    public void operationComplete(ChannelFuture emptyWrite) {
        long covered = marked;
        marked = 0;
        if (emptyWrite.isSuccess()) {
            reportWritten(covered);
            settle();
        } else {
            // Nothing after a failed write reaches the socket either.
            while (reported < sent) {
                reported++;
                listener.failed(emptyWrite.cause());
            }
        }
    }

    private void reportWritten(long upTo) {
        // Re-entrant: a listener may write again (a paced replay), which may report on its own.
        while (reported < upTo) {
            reported++;
            listener.written();
        }
    }

    @Override
    public Uni<Void> close(CloseCode code, String reason, FrameSealer sealer) {
        return connection.close(new CloseReason(code.code(), reason));
    }

    @Override
    public boolean isClosed() {
        return connection.isClosed();
    }
}
