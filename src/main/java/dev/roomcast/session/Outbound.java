package dev.roomcast.session;

import dev.roomcast.encryption.FrameSealer;
import dev.roomcast.error.CloseCode;
import io.smallrye.mutiny.Uni;

/**
 * Where a session writes: implemented by each transport (a WebSocket connection; an SSE stream). The session never
 * knows which: frames are text, and ending the session with a code is the transport's to render (a close frame, a last
 * {@code close} frame on a stream).
 */
public interface Outbound {

    /** The transport's name in listings: {@code websocket} or {@code sse}. */
    String transport();

    /** The listener every later write reports to, in order; called once, before the first write. */
    void bind(WriteListener listener);

    /** Writes one frame now, without blocking; the bound listener hears how it ended. */
    void send(String frame);

    /**
     * Ends the session with the code and the reason (the code's own, or an administrator's). A transport that says so in a frame (the last {@code close} frame
     * of a stream) seals that frame with the session's sealer when it has one (PROTOCOL.md section 10); a WebSocket's
     * close frame is a control frame, never sealed. Lazy: nothing happens until subscribed.
     *
     * @param sealer the session's sealer, or null when the session is not encrypted
     */
    Uni<Void> close(CloseCode code, String reason, FrameSealer sealer);

    /** Whether the transport is closed already (by either side). */
    boolean isClosed();

    /**
     * Whether the client must show it is alive ({@code heartbeat}, pings: else 4002). A stream the client never writes
     * to proves nothing by its silence; it ends when a write fails.
     */
    default boolean expectsClientHeartbeats() {
        return true;
    }

    /** Whether the transport must write something now to keep the path to the client open (proxies, idle timers). */
    default boolean keepAliveDue(long nowNanos) {
        return false;
    }

    /** Writes the transport's keep-alive (not a frame) now; the bound listener hears how it ended. */
    default void keepAlive() {
        throw new UnsupportedOperationException("this transport has no keep-alive");
    }
}
