package dev.roomcast.transport;

import dev.roomcast.encryption.FrameSealer;
import dev.roomcast.error.CloseCode;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.session.Outbound;
import dev.roomcast.session.WriteListener;
import io.netty.util.concurrent.FastThreadLocal;
import io.smallrye.mutiny.Uni;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;

/**
 * A session's frames as Server-Sent Events (PROTOCOL.md section 11): each frame one {@code data:} line and a blank
 * line, each written (and so flushed) on its own; a comment line ({@code : hb}) whenever nothing was written for half
 * of {@code heartbeatMs}, so that no proxy sees the stream idle for longer than {@code heartbeatMs}; the end as a last
 * {@code close} frame carrying the code a WebSocket would have been closed with (sealed like the frames before it on an
 * encrypted session). Confined to the stream's event loop.
 */
final class SseOutbound implements Outbound, Handler<AsyncResult<Void>> {

    /** Shared by every stream: Vert.x writes a slice of a buffer, never the buffer itself, so one can go to many. */
    private static final Buffer KEEP_ALIVE = Buffer.buffer(": hb\n\n");

    /**
     * The event of the frame this thread wrote last. A delivery hands the same frame (the same String) to every
     * stream of an event loop in turn, so the loop builds and encodes its event once, not once per recipient.
     */
    private static final FastThreadLocal<LastEvent> LAST = new FastThreadLocal<>() {
        @Override
        protected LastEvent initialValue() {
            return new LastEvent();
        }
    };

    private final HttpServerResponse response;
    private final ServerFrames frames;
    private final long keepAliveNanos;
    private long lastWriteNanos;
    private WriteListener listener;

    SseOutbound(HttpServerResponse response, ServerFrames frames, long keepAliveNanos, long nowNanos) {
        this.response = response;
        this.frames = frames;
        this.keepAliveNanos = keepAliveNanos;
        this.lastWriteNanos = nowNanos;
    }

    @Override
    public String transport() {
        return "sse";
    }

    @Override
    public void bind(WriteListener listener) {
        this.listener = listener;
    }

    @Override
    public void send(String frame) {
        if (isClosed()) {
            listener.failed(new HttpClosedException("the stream has ended"));
            return;
        }
        write(LAST.get().of(frame)).onComplete(this);
    }

    /** How a write ended: one handler per stream, so that a write allocates none. */
    @Override
    public void handle(AsyncResult<Void> result) {
        if (result.succeeded()) {
            listener.written();
        } else {
            listener.failed(result.cause());
        }
    }

    @Override
    public Uni<Void> close(CloseCode code, String reason, FrameSealer sealer) {
        return Uni.createFrom().emitter(emitter -> {
            if (isClosed()) {
                emitter.fail(new HttpClosedException("the stream has ended"));
                return;
            }
            String close = frames.close(code.code(), reason);
            lastWriteNanos = System.nanoTime();
            response.end(Buffer.buffer(event(sealer == null ? close : sealer.seal(close))))
                    .onComplete(result -> {
                        if (result.succeeded()) {
                            emitter.complete(null);
                        } else {
                            emitter.fail(result.cause());
                        }
                    });
        });
    }

    @Override
    public boolean isClosed() {
        return response.ended() || response.closed();
    }

    @Override
    public boolean expectsClientHeartbeats() {
        return false;
    }

    @Override
    public boolean keepAliveDue(long nowNanos) {
        return nowNanos - lastWriteNanos >= keepAliveNanos;
    }

    @Override
    public void keepAlive() {
        if (isClosed()) {
            listener.failed(new HttpClosedException("the stream has ended"));
            return;
        }
        write(KEEP_ALIVE).onComplete(this);
    }

    private Future<Void> write(Buffer bytes) {
        lastWriteNanos = System.nanoTime();
        return response.write(bytes);
    }

    /**
     * One SSE event. Frames are compact JSON, which never holds a line break outside a string (where it is escaped);
     * should one ever appear, each line gets its own {@code data:} field, which the client joins back with a newline.
     */
    static String event(String frame) {
        if (frame.indexOf('\n') < 0 && frame.indexOf('\r') < 0) {
            return "data: " + frame + "\n\n";
        }
        StringBuilder event = new StringBuilder(frame.length() + 16);
        for (String line : frame.split("\r\n|\r|\n", -1)) {
            event.append("data: ").append(line).append('\n');
        }
        return event.append('\n').toString();
    }

    /** One thread's last frame and its event, compared by identity: equal text in another String is built anew. */
    private static final class LastEvent {
        private String frame;
        private Buffer event;

        Buffer of(String frame) {
            if (frame != this.frame) {
                this.event = Buffer.buffer(event(frame));
                this.frame = frame;
            }
            return event;
        }
    }
}
