package dev.roomcast.session;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A session's frames, run one at a time in the order they were taken: the next starts once the previous one's work
 * (database, Redis, a replay written as the client reads) has finished, so that replies keep the frames' order; the
 * session's start (the handshake's token) runs before them all. Each frame runs on the session's event loop in a Vert.x
 * duplicated context of its own, where Hibernate Reactive keeps its session.
 *
 * <p>At most {@link #MAX_WAITING} frames are taken and not yet started, so that a client cannot queue unbounded work
 * behind a slow frame: a transport {@linkplain #admit admits} frames (from any thread) before it hands them over.
 * When the transport ends, waiting frames are dropped and the session's clean-up runs once the frame in progress (or
 * the start) has finished, so that nothing it was adding (a membership, a connection slot) outlives the clean-up.
 *
 * <p>Confined to the session's event loop, but for {@link #admit}.
 */
final class FrameInbox {

    /** Five full POSTs of an SSE session; far more than a client that reads its replies ever has waiting. */
    static final int MAX_WAITING = 100;

    private static final AtomicIntegerFieldUpdater<FrameInbox> ADMITTED =
            AtomicIntegerFieldUpdater.newUpdater(FrameInbox.class, "admitted");

    /** What runs the frames: the session. */
    interface Runner {

        /** Runs one frame; its Uni completes when the frame's work is done. */
        Uni<Void> runFrame(String frame);

        /** A frame (or the start) failed unexpectedly. */
        void frameFailed(Throwable failure);
    }

    /** The session's event loop (its root context). */
    private final Context loop;

    private final Runner runner;
    /** Frames admitted and not yet started (or dropped); a field, not an AtomicInteger: one less object per socket. */
    private volatile int admitted;
    /** Created when a first frame has to wait: most sessions never have one. */
    private ArrayDeque<String> waiting;

    private boolean running;
    private boolean ended;
    /** The session's clean-up, when the transport ended while a frame was running. */
    private Runnable afterLast;

    FrameInbox(Context loop, Runner runner) {
        this.loop = loop;
        this.runner = runner;
    }

    /**
     * Counts {@code count} frames in before they are handed over with {@link #offer}; from any thread.
     *
     * @return false, counting nothing, when they would make more than {@link #MAX_WAITING}
     */
    boolean admit(int count) {
        int now;
        do {
            now = admitted;
            if (now + count > MAX_WAITING) {
                return false;
            }
        } while (!ADMITTED.compareAndSet(this, now, now + count));
        return true;
    }

    /** The session's start: frames taken meanwhile wait for it. */
    void start(Uni<Void> start) {
        running = true;
        start.subscribe().with(done -> finished(), this::failed);
    }

    /** Runs an admitted frame now, or after those taken before it. */
    void offer(String frame) {
        if (ended) {
            ADMITTED.decrementAndGet(this); // the transport is gone: nobody reads an answer
            return;
        }
        if (running) {
            if (waiting == null) {
                waiting = new ArrayDeque<>();
            }
            waiting.add(frame);
            return;
        }
        running = true;
        ADMITTED.decrementAndGet(this);
        Context current = Vertx.currentContext();
        if (current != null && VertxContext.isDuplicatedContext(current)) {
            // The transport handed the frame over in a context of its own (websockets-next makes one per message).
            dispatch(frame);
        } else {
            runInNewContext(frame);
        }
    }

    /**
     * The transport ended: waiting frames are dropped, and {@code cleanUp} runs now, or once the frame in progress
     * has finished. Only the first call counts.
     */
    void end(Runnable cleanUp) {
        if (ended) {
            return;
        }
        ended = true;
        if (waiting != null) {
            ADMITTED.addAndGet(this, -waiting.size());
            waiting = null;
        }
        if (running) {
            afterLast = cleanUp;
        } else {
            cleanUp.run();
        }
    }

    private void runInNewContext(String frame) {
        VertxContext.createNewDuplicatedContext(loop).runOnContext(ignored -> dispatch(frame));
    }

    private void dispatch(String frame) {
        Uni.createFrom().deferred(() -> runner.runFrame(frame)).subscribe().with(done -> finished(), this::failed);
    }

    private void failed(Throwable failure) {
        runner.frameFailed(failure);
        finished();
    }

    /** The frame (or start) in progress finished, maybe on another thread: what comes next starts on the loop. */
    private void finished() {
        if (((ContextInternal) loop).nettyEventLoop().inEventLoop()) {
            next();
        } else {
            loop.runOnContext(ignored -> next());
        }
    }

    private void next() {
        String frame = ended || waiting == null ? null : waiting.poll();
        if (frame != null) {
            ADMITTED.decrementAndGet(this);
            runInNewContext(frame);
            return;
        }
        running = false;
        Runnable cleanUp = afterLast;
        afterLast = null;
        if (cleanUp != null) {
            cleanUp.run();
        }
    }
}
