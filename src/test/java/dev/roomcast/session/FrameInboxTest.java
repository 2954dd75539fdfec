package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session's frames run one at a time, in order, each in a context of its own, after the session's start; at most
 * {@link FrameInbox#MAX_WAITING} wait; an ended transport drops what waits and cleans up after the frame in progress.
 * On a real Vert.x event loop, with frames whose work the test finishes.
 */
class FrameInboxTest {

    private final Vertx vertx = Vertx.vertx();
    private final Context loop = vertx.getOrCreateContext();
    private final Frames frames = new Frames();
    private final FrameInbox inbox = new FrameInbox(loop, frames);

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void framesRunOneAtATimeInOrderEachInADuplicatedContextOfItsOwn() throws Exception {
        onLoop(() -> {
            take("a");
            take("b");
            take("c");
            return null;
        });
        await(() -> frames.started.size() == 1);
        Thread.sleep(50);
        assertEquals(List.of("a"), frames.started, "b waits for a's work");
        frames.finish("a");
        await(() -> frames.started.size() == 2);
        frames.finish("b");
        await(() -> frames.started.size() == 3);
        assertEquals(List.of("a", "b", "c"), frames.started);
        assertTrue(frames.contexts.stream().allMatch(VertxContext::isDuplicatedContext));
        assertNotSame(frames.contexts.get(0), frames.contexts.get(1));
        assertNotSame(frames.contexts.get(1), frames.contexts.get(2));
    }

    @Test
    void theStartRunsBeforeAnyFrame() throws Exception {
        CompletableFuture<Void> start = new CompletableFuture<>();
        onLoop(() -> {
            inbox.start(Uni.createFrom().completionStage(start));
            take("a");
            return null;
        });
        Thread.sleep(50);
        assertTrue(frames.started.isEmpty());
        start.complete(null);
        await(() -> frames.started.equals(List.of("a")));
    }

    @Test
    void atMostMaxWaitingFramesAreAdmittedAndRoomComesBackAsTheyStart() throws Exception {
        assertEquals(100, FrameInbox.MAX_WAITING);
        List<Boolean> admitted = onLoop(() -> {
            List<Boolean> answers = new ArrayList<>();
            for (int post = 0; post < 5; post++) {
                answers.add(inbox.admit(20));
            }
            answers.add(inbox.admit(1));
            return answers;
        });
        assertEquals(List.of(true, true, true, true, true, false), admitted);
        onLoop(() -> {
            for (int i = 0; i < 100; i++) {
                inbox.offer("f" + i);
            }
            return null;
        });
        await(() -> frames.started.size() == 1);
        assertTrue(inbox.admit(1), "the frame that started left room for one");
        assertFalse(inbox.admit(1));
    }

    @Test
    void anEndWhileAFrameRunsDropsTheWaitingAndCleansUpOnlyAfterTheFrame() throws Exception {
        AtomicInteger cleanUps = new AtomicInteger();
        onLoop(() -> {
            take("a");
            take("b");
            inbox.end(cleanUps::incrementAndGet);
            inbox.end(cleanUps::incrementAndGet);
            take("after the end");
            return null;
        });
        await(() -> frames.started.size() == 1);
        Thread.sleep(50);
        assertEquals(0, cleanUps.get(), "a still runs: what it adds must be there to be cleaned up");
        frames.finish("a");
        await(() -> cleanUps.get() == 1);
        Thread.sleep(50);
        assertEquals(List.of("a"), frames.started);
        assertEquals(1, cleanUps.get());
        assertTrue(onLoop(() -> inbox.admit(FrameInbox.MAX_WAITING)), "dropped frames are counted out");
    }

    @Test
    void anEndWhileIdleCleansUpAtOnce() throws Exception {
        AtomicInteger cleanUps = new AtomicInteger();
        onLoop(() -> {
            inbox.end(cleanUps::incrementAndGet);
            return null;
        });
        assertEquals(1, cleanUps.get());
    }

    @Test
    void aFrameThatFailsIsReportedAndTheNextOneRuns() throws Exception {
        onLoop(() -> {
            take("a");
            take("b");
            return null;
        });
        await(() -> frames.started.size() == 1);
        frames.work.get("a").completeExceptionally(new IllegalStateException("boom"));
        await(() -> frames.started.size() == 2);
        assertEquals("boom", frames.failures.get(0).getMessage());
    }

    private void take(String frame) {
        assertTrue(inbox.admit(1));
        inbox.offer(frame);
    }

    private <T> T onLoop(Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(ignored -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not reached in 10 s");
            Thread.sleep(5);
        }
    }

    /** Frames whose work goes on until the test finishes it. */
    private static final class Frames implements FrameInbox.Runner {

        final List<String> started = new CopyOnWriteArrayList<>();
        final List<Context> contexts = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final Map<String, CompletableFuture<Void>> work = new ConcurrentHashMap<>();

        @Override
        public Uni<Void> runFrame(String frame) {
            started.add(frame);
            contexts.add(Vertx.currentContext());
            CompletableFuture<Void> done = new CompletableFuture<>();
            work.put(frame, done);
            return Uni.createFrom().completionStage(done);
        }

        @Override
        public void frameFailed(Throwable failure) {
            failures.add(failure);
        }

        void finish(String frame) {
            work.get(frame).complete(null);
        }
    }
}
