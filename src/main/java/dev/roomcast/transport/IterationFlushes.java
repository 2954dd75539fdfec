package dev.roomcast.transport;

import io.netty.channel.SingleThreadEventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Whether an event loop flushes a socket at each write or once when its iteration ends, and the sockets waiting for
 * that end. A flush is a system call per socket. While the loop keeps up, each write is flushed at once: a recipient's
 * frame leaves as soon as it is written, as it always did. Once the loop falls behind (an iteration that writes begins
 * right after the last one that wrote ended, because work was waiting), its writes wait for the iteration's end: a
 * loop that fans out two messages in one iteration (it read both at once) writes each recipient one {@code writev} of
 * two frames instead of two {@code write}s, so the work per delivery falls as the load rises instead of the backlog
 * growing. Deferring while the loop idles between messages would save nothing and would delay every recipient by the
 * writes to the others.
 *
 * <p>Confined to its loop. A socket flushed here may be written to again by what its flush reports (a paced replay
 * writes its next page when the last one is taken): it joins the end of the list and is flushed in the same pass.
 */
final class IterationFlushes implements Runnable {

    /** A socket with writes waiting for a flush. */
    interface Target {
        /** Flushes the socket's writes, and reports what it took. */
        void flushNow();
    }

    /** An iteration that begins writing sooner than this after the last one ended finds the loop behind. */
    static final long BEHIND_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final FastThreadLocal<IterationFlushes> OF_LOOP = new FastThreadLocal<>();

    private final SingleThreadEventLoop loop;
    private final long behindNanos;
    private Target[] pending = new Target[64];
    private int count;
    /** Whether the current iteration has written, and so has this batch's end to run. */
    private boolean inIteration;

    private boolean deferring;
    private long lastEndNanos;

    private IterationFlushes(SingleThreadEventLoop loop, long behindNanos) {
        this.loop = loop;
        this.behindNanos = behindNanos;
        this.lastEndNanos = System.nanoTime() - behindNanos; // the first iteration finds the loop idle
    }

    /** The current thread's batch; null unless the thread is the given event loop and runs after-iteration tasks. */
    static IterationFlushes of(Object executor) {
        return of(executor, BEHIND_NANOS);
    }

    /** As {@link #of(Object)}, with the gap that tells a loop behind from one that keeps up, when the batch is made. */
    static IterationFlushes of(Object executor, long behindNanos) {
        IterationFlushes flushes = OF_LOOP.getIfExists();
        if (flushes != null && flushes.loop == executor) {
            return flushes;
        }
        if (executor instanceof SingleThreadEventLoop loop && loop.inEventLoop()) {
            flushes = new IterationFlushes(loop, behindNanos);
            OF_LOOP.set(flushes);
            return flushes;
        }
        return null;
    }

    /**
     * Whether this iteration's writes wait for its end ({@link #add}) rather than being flushed at once. The first
     * write of an iteration decides for all of them.
     */
    boolean defers() {
        if (!inIteration) {
            inIteration = true;
            deferring = System.nanoTime() - lastEndNanos < behindNanos;
            loop.executeAfterEventLoopIteration(this);
        }
        return deferring;
    }

    /** Flushes the socket when the iteration ends; the caller adds each socket once until it is flushed. */
    void add(Target socket) {
        if (count == pending.length) {
            pending = Arrays.copyOf(pending, count * 2);
        }
        pending[count++] = socket;
    }

    @Override
    public void run() {
        // count is read on every turn: a flush may add sockets behind it.
        for (int i = 0; i < count; i++) {
            Target socket = pending[i];
            pending[i] = null;
            socket.flushNow();
        }
        count = 0;
        inIteration = false;
        lastEndNanos = System.nanoTime();
    }
}
