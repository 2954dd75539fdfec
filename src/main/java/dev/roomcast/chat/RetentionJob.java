package dev.roomcast.chat;

import java.time.Duration;

import dev.roomcast.RoomcastConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

/**
 * Applies {@code roomcast.history.max-age} to every room, busy or quiet, every hour (the event count limit is applied
 * as rooms write). Recovery also checks the age itself, so an event past the cutoff is never replayed even before this
 * job removes it. Every pod runs it; the delete is idempotent.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);
    private static final Duration EVERY = Duration.ofHours(1);

    private final RoomEventRepository events;
    private final Vertx vertx;
    private final Duration maxAge;
    private long timer = -1;

    RetentionJob(RoomEventRepository events, Vertx vertx, RoomcastConfig config) {
        this.events = events;
        this.vertx = vertx;
        this.maxAge = config.history().maxAge();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(EVERY.toMillis(), id -> prune());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void prune() {
        DuplicatedContexts.call(vertx, () -> Panache.withTransaction(() -> events.pruneOlderThan(ChatService.now().minus(maxAge))))
                .subscribe().with(count -> LOG.debugf("retention removed %d events older than %s", count, maxAge),
                        failure -> LOG.warnf("retention pass failed: %s", failure.getMessage()));
    }
}
