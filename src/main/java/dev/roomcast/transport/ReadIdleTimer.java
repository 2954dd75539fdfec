package dev.roomcast.transport;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket's idle timer, counted from what the client last sent rather than from either direction.
 *
 * <p>Vert.x gives every HTTP connection one {@link IdleStateHandler} for {@code quarkus.http.idle-timeout} in both
 * directions, and a handler that watches writes hangs a listener on every one: a promise and a listener array per
 * frame a socket writes, the bulk of what a broadcast allocated per recipient. On a WebSocket the client must speak
 * well within the timeout anyway (a heartbeat, else close 4002), so silence from the client alone tells the same: the
 * timer still tears down a socket whose close cannot complete (a reader that stopped reading, closed with 4008), and
 * the socket's writes go out with no listener at all. Server-Sent Event streams keep Vert.x's timer: their clients
 * never send.
 */
final class ReadIdleTimer {

    private ReadIdleTimer() {}

    /** Replaces the connection's idle timer, if it has one, by one that watches reads only, with the same timeout. */
    static void install(ChannelPipeline pipeline) {
        IdleStateHandler both = pipeline.get(IdleStateHandler.class);
        if (both == null || both.getWriterIdleTimeInMillis() == 0 && both.getAllIdleTimeInMillis() == 0) {
            return;
        }
        long millis = Math.max(both.getReaderIdleTimeInMillis(), both.getAllIdleTimeInMillis());
        pipeline.replace(both, "idle", new IdleStateHandler(millis, 0, 0, TimeUnit.MILLISECONDS));
    }
}
