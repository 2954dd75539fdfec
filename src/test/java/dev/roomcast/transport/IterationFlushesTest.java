package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link IterationFlushes} on real Netty event loops (epoll's, which Roomcast prefers, and NIO's, which Vert.x falls
 * back to): writes are flushed at once while the loop idles between iterations; once iterations follow each other,
 * a socket written in an iteration is flushed once, after all of the iteration's tasks.
 */
class IterationFlushesTest {

    /** A gap no test's iterations come near, so that every iteration after the first finds the loop behind. */
    private static final long ALWAYS_BEHIND = TimeUnit.DAYS.toNanos(1);

    enum Transport {
        EPOLL,
        NIO;

        EventLoopGroup group() {
            if (this == EPOLL) {
                Assumptions.assumeTrue(Epoll.isAvailable(), "epoll is not available here");
                return new EpollEventLoopGroup(1);
            }
            return new NioEventLoopGroup(1);
        }
    }

    private EventLoopGroup group;
    private EventLoop loop;
    private long behindNanos;
    /** What happened on the loop, in order: "wrote a", "flushed a", "wrote and flushed a"... */
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** A loop whose batch tells "behind" by the given gap, past its first iteration that writes (which finds it idle). */
    private void start(Transport transport, long behindNanos) throws Exception {
        group = transport.group();
        loop = group.next();
        this.behindNanos = behindNanos;
        onLoop(() -> new Socket("first").write(batch()));
        assertEquals(List.of("wrote and flushed first"), settled(), "a loop's first iteration finds it idle");
        log.clear();
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSocketWrittenTwiceInOneTaskIsFlushedOnceWhenTheIterationEnds(Transport transport) throws Exception {
        start(transport, ALWAYS_BEHIND);
        onLoop(() -> {
            Socket a = new Socket("a");
            Socket b = new Socket("b");
            a.write(batch());
            b.write(batch());
            a.write(batch());
            log.add("task ends");
            return null;
        });
        assertEquals(List.of("wrote a", "wrote b", "wrote a", "task ends", "flushed a", "flushed b"), settled());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void tasksOfOneIterationShareOneFlush(Transport transport) throws Exception {
        start(transport, ALWAYS_BEHIND);
        CompletableFuture<Void> secondWrote = new CompletableFuture<>();
        onLoop(() -> {
            Socket a = new Socket("a");
            // Both tasks are queued before the first runs, so the loop runs them in one iteration.
            loop.execute(() -> a.write(batch()));
            loop.execute(() -> secondWrote.complete(a.write(batch())));
            return null;
        });
        secondWrote.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("wrote a", "wrote a", "flushed a"), settled());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSocketWrittenByAFlushsReportIsFlushedInTheSamePass(Transport transport) throws Exception {
        start(transport, ALWAYS_BEHIND);
        onLoop(() -> {
            Socket b = new Socket("b");
            // a's flush reports its write done, and that report writes to b (as a paced replay writes its next page).
            Socket a = new Socket("a", () -> b.write(batch()));
            a.write(batch());
            return null;
        });
        assertEquals(List.of("wrote a", "flushed a", "wrote b", "flushed b"), settled());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aLaterIterationFlushesAgain(Transport transport) throws Exception {
        start(transport, ALWAYS_BEHIND);
        Socket a = onLoop(() -> new Socket("a"));
        onLoop(() -> a.write(batch()));
        assertEquals(List.of("wrote a", "flushed a"), settled());
        onLoop(() -> a.write(batch()));
        assertEquals(List.of("wrote a", "flushed a", "wrote a", "flushed a"), settled());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void writesAreFlushedAtOnceAfterTheLoopIdledAndDeferredRightAfterAnIterationThatWrote(Transport transport)
            throws Exception {
        long behind = TimeUnit.SECONDS.toNanos(1);
        start(transport, behind);
        Socket a = onLoop(() -> new Socket("a"));
        // Twice the gap since the last iteration that wrote: the loop kept up.
        TimeUnit.NANOSECONDS.sleep(2 * behind);
        onLoop(() -> {
            a.write(batch());
            return a.write(batch());
        });
        assertEquals(List.of("wrote and flushed a", "wrote and flushed a"), settled());
        // Straight after that iteration's end: the loop is behind.
        onLoop(() -> {
            a.write(batch());
            return a.write(batch());
        });
        assertEquals(
                List.of("wrote and flushed a", "wrote and flushed a", "wrote a", "wrote a", "flushed a"), settled());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void oneBatchPerLoopAndNoneOffTheLoop(Transport transport) throws Exception {
        start(transport, ALWAYS_BEHIND);
        IterationFlushes first = onLoop(this::batch);
        assertNotNull(first);
        assertSame(first, onLoop(this::batch));
        assertNull(IterationFlushes.of(loop), "the test's thread is not the loop");
        EventLoopGroup other = transport.group();
        try {
            EventLoop otherLoop = other.next();
            assertNull(onLoop(() -> IterationFlushes.of(otherLoop)), "a loop's thread may not batch another's writes");
        } finally {
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private IterationFlushes batch() {
        return IterationFlushes.of(loop, behindNanos);
    }

    private <T> T onLoop(Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(5, TimeUnit.SECONDS);
    }

    /** The log once the iteration that ran the last task has ended. */
    private List<String> settled() throws Exception {
        // After-iteration tasks run in the order they were added: this one after the batch's, which the task added.
        CompletableFuture<List<String>> copy = new CompletableFuture<>();
        ((SingleThreadEventLoop) loop).executeAfterEventLoopIteration(() -> copy.complete(List.copyOf(log)));
        return copy.get(5, TimeUnit.SECONDS);
    }

    /** A socket as {@link WebSocketOutbound} uses the batch: flushed at once, or added on its first deferred write. */
    private final class Socket implements IterationFlushes.Target {
        private final String name;
        private final Runnable onFlush;
        private boolean pending;

        Socket(String name) {
            this(name, () -> {});
        }

        Socket(String name, Runnable onFlush) {
            this.name = name;
            this.onFlush = onFlush;
        }

        Void write(IterationFlushes flushes) {
            if (!flushes.defers()) {
                log.add("wrote and flushed " + name);
                return null;
            }
            log.add("wrote " + name);
            if (!pending) {
                pending = true;
                flushes.add(this);
            }
            return null;
        }

        @Override
        public void flushNow() {
            log.add("flushed " + name);
            pending = false;
            onFlush.run();
        }
    }
}
