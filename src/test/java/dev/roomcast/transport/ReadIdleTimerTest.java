package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadIdleTimer}: Vert.x's two-way idle timer becomes a read-only one with the same timeout, which fires on a
 * silent client whatever the server writes, and lets writes go without a promise.
 */
class ReadIdleTimerTest {

    @Test
    void theTwoWayTimerBecomesAReadTimerWithTheSameTimeout() {
        EmbeddedChannel channel = new EmbeddedChannel(new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS));

        ReadIdleTimer.install(channel.pipeline());

        IdleStateHandler timer = channel.pipeline().get(IdleStateHandler.class);
        assertEquals(120_000, timer.getReaderIdleTimeInMillis());
        assertEquals(0, timer.getWriterIdleTimeInMillis());
        assertEquals(0, timer.getAllIdleTimeInMillis());
        assertEquals(
                1,
                channel.pipeline().names().stream()
                        .filter(name -> channel.pipeline().get(name) instanceof IdleStateHandler)
                        .count());
    }

    @Test
    void aSilentClientTimesOutWhileTheServerWrites() throws InterruptedException {
        List<IdleState> events = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(
                new IdleStateHandler(0, 0, 50, TimeUnit.MILLISECONDS), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                        if (event instanceof IdleStateEvent idle) {
                            events.add(idle.state());
                        }
                    }
                });
        ReadIdleTimer.install(channel.pipeline());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (events.isEmpty() && System.nanoTime() < deadline) {
            // Writes without a promise go through, and do not keep a silent client's socket alive.
            channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}), channel.voidPromise());
            channel.readOutbound();
            Thread.sleep(10);
            channel.runPendingTasks();
        }

        assertFalse(events.isEmpty(), "the read timer fired");
        assertEquals(IdleState.READER_IDLE, events.get(0));
    }

    @Test
    void aConnectionWithoutTimerGetsNone() {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

        ReadIdleTimer.install(channel.pipeline());

        assertNull(channel.pipeline().get(IdleStateHandler.class));
        assertTrue(channel.isOpen());
    }
}
