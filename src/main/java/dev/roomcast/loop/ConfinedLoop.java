package dev.roomcast.loop;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One event-loop context that owns some state: every task touching the state runs here, at once when already here,
 * else queued in order. Lets a component keep plain maps and fields without locks.
 */
public final class ConfinedLoop {

    private final Context context;
    private volatile Thread thread;

    public ConfinedLoop(Vertx vertx) {
        this.context = VertxContext.getRootContext(vertx.getOrCreateContext());
    }

    public void run(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
        } else {
            context.runOnContext(ignored -> {
                thread = Thread.currentThread();
                task.run();
            });
        }
    }

    /** Runs the task on the loop once the delay has passed. */
    public void after(long delayMillis, Runnable task) {
        context.owner().setTimer(Math.max(1, delayMillis), id -> run(task));
    }

    /** Queues the task even when already on the loop (after what is queued now). */
    public void later(Runnable task) {
        context.runOnContext(ignored -> task.run());
    }
}
