package dev.roomcast.chat;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs database work on a fresh duplicated Vert.x context of its own. Hibernate Reactive keeps one session per
 * duplicated context and a session must not be used by two operations at once; work that is not part of a client's
 * frame (the offset sequencer, retention) may run while a frame's session is busy on the same thread, so it never
 * shares the caller's context.
 */
public final class DuplicatedContexts {

    private DuplicatedContexts() {}

    public static <T> Uni<T> call(Vertx vertx, Supplier<Uni<T>> work) {
        Context current = Vertx.currentContext();
        Context root = current != null ? VertxContext.getRootContext(current) : vertx.getOrCreateContext();
        Context duplicated = VertxContext.createNewDuplicatedContext(root);
        // Its own sub-context, shared with nothing else: what Panache requires to open a session on it.
        VertxContextSafetyToggle.setContextSafe(duplicated, true);
        return Uni.createFrom()
                .emitter(emitter -> duplicated.runOnContext(ignored -> {
                    try {
                        work.get().subscribe().with(emitter::complete, emitter::fail);
                    } catch (RuntimeException e) {
                        emitter.fail(e);
                    }
                }));
    }
}
