package dev.roomcast.session;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Where a frame's asynchronous steps continue: the frame's own duplicated Vert.x context, on the connection's event
 * loop. The session's state stays confined to that loop, and Hibernate Reactive, which works only on duplicated
 * contexts, can be called from any step. Must be created while the frame is being handled.
 */
final class FrameLoop implements Executor {

    private final Context context;

    private FrameLoop(Context context) {
        this.context = context;
    }

    static FrameLoop current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("frames are handled on a Vert.x context");
        }
        return new FrameLoop(context);
    }

    @Override
    public void execute(Runnable step) {
        if (Vertx.currentContext() == context) {
            step.run();
        } else {
            context.runOnContext(ignored -> step.run());
        }
    }
}
