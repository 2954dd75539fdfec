package dev.roomcast.transport;

import dev.roomcast.encryption.FrameSealer;
import dev.roomcast.error.CloseCode;
import dev.roomcast.session.Outbound;
import dev.roomcast.session.WriteListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
 * <p>Each write is flushed at once while the socket's event loop keeps up. Once it falls behind, a write is flushed when
 * the loop's iteration ends ({@link IterationFlushes}), once for every frame the iteration wrote to the socket, or at
 * once when the frames waiting for that flush reach {@link #FLUSH_AT_BYTES}. The frames websockets-next writes for this
 * socket flush through the same channel, in order with these.
 *
 * <p>A channel write carries no promise (allocating one per recipient was most of a broadcast's garbage): when the
 * socket has taken everything after a flush, as it does while the client reads, its writes are reported done at once;
 * otherwise an empty write with a promise follows, and its completion reports every write before it (a channel writes
 * in order). So a promise is made only for a socket with a backlog, and at most one is outstanding.
 */
final class WebSocketOutbound implements Outbound, ChannelFutureListener, IterationFlushes.Target {

    private static final HttpClosedException CLOSED = new HttpClosedException("the socket is closed");

    /**
     * Unflushed bytes that a socket flushes at once rather than at its loop iteration's end: a system call's cost is
     * spread over that many bytes anyway, and a healthy client's burst never counts for long against its slow-consumer
     * budget (frames are counted until the socket takes them).
     */
    static final int FLUSH_AT_BYTES = 8192;

    private final WebSocketConnection connection;
    /** The upgraded HTTP connection the socket's frames travel on; null when the handshake did not expose it. */
    private final ConnectionBase channel;

    private WriteListener listener;
    /** Writes handed to the channel, and how many of them were reported to the listener. */
    private long sent;

    private long reported;
    /** How many writes the outstanding empty write covers; 0 when there is none. */
    private long marked;
    /** Written since the last flush, and waiting in the loop's batch for the iteration's end. */
    private boolean flushPending;

    private int unflushedBytes;

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
            write(framed);
        }
    }

    private void write(ByteBuf framed) {
        // The channel's own void promise, which stays silent on failure (Vert.x's fires it through the pipeline as an
        // error of the socket's): a failed write closes the channel, which fails the empty write settle() adds.
        ChannelPromise silent = channel.channel().unsafe().voidPromise();
        ChannelHandlerContext context = channel.channelHandlerContext();
        IterationFlushes flushes = IterationFlushes.of(context.executor());
        if (flushes == null || !flushes.defers()) {
            // Vert.x flushes the write (off the loop, it hands it to the loop in order with its other writes).
            channel.writeToChannel(framed, silent);
            sent++;
            settle();
            return;
        }
        unflushedBytes += framed.readableBytes();
        channel.reportsBytesWritten(framed);
        context.write(framed, silent);
        sent++;
        if (unflushedBytes >= FLUSH_AT_BYTES) {
            flushNow();
        } else if (!flushPending) {
            flushPending = true;
            flushes.add(this);
        }
    }

    /** Hands the socket what was written to it, then reports what it took. */
    @Override
    public void flushNow() {
        channel.channelHandlerContext().flush();
        unflushedBytes = 0;
        flushPending = false; // after the flush: a write its report makes joins the batch again
        settle();
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
