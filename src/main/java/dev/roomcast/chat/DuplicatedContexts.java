package dev.roomcast.chat;

import java.util.function.Supplier;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs database work for callers that are not on a duplicated Vert.x context (the offset sequencer's own loop, for
 * one): Hibernate Reactive sessions live only on duplicated contexts, so the work starts on a fresh one.
 */
final class DuplicatedContexts {

    private DuplicatedContexts() {
    }

    static <T> Uni<T> call(Vertx vertx, Supplier<Uni<T>> work) {
        Context current = Vertx.currentContext();
        if (current != null && VertxContext.isDuplicatedContext(current)) {
            return Uni.createFrom().deferred(work::get);
        }
        Context duplicated = VertxContext.createNewDuplicatedContext(current != null ? current : vertx.getOrCreateContext());
        // Its own sub-context, shared with nothing else: what Panache requires to open a session on it.
        VertxContextSafetyToggle.setContextSafe(duplicated, true);
        return Uni.createFrom().emitter(emitter -> duplicated.runOnContext(ignored -> {
            try {
                work.get().subscribe().with(emitter::complete, emitter::fail);
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }));
    }
}
