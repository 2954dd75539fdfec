package dev.roomcast.chat;

import dev.roomcast.RoomcastConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Applies {@code roomcast.history.max-age} to every room, busy or quiet, and {@code roomcast.notifications.max-age} to
 * stored notifications, every hour (the event count limit is applied as rooms write). Recovery also checks the age
 * itself, so an event past the cutoff is never replayed even before this job removes it. Every pod runs it; the
 * deletes are idempotent.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final RoomRepository rooms;
    private final RoomEventRepository events;
    private final NotificationRepository notifications;
    private final Vertx vertx;
    private final Duration maxAge;
    private final Duration notificationMaxAge;

    RetentionJob(
            RoomRepository rooms,
            RoomEventRepository events,
            NotificationRepository notifications,
            Vertx vertx,
            RoomcastConfig config) {
        this.rooms = rooms;
        this.events = events;
        this.notifications = notifications;
        this.vertx = vertx;
        this.maxAge = config.history().maxAge();
        this.notificationMaxAge = config.notifications().maxAge();
    }

    /** One pass: each room with expired events in its own transaction, under the room's lock like its writers. */
    Uni<Long> prune() {
        OffsetDateTime cutoff = ChatService.now().minus(maxAge);
        return DuplicatedContexts.call(
                vertx,
                () -> Panache.withSession(() -> events.roomsWithEventsBefore(cutoff))
                        .onItem()
                        .transformToMulti(found -> Multi.createFrom().iterable(found))
                        .onItem()
                        .transformToUniAndConcatenate(room -> Panache.withTransaction(() -> rooms.findForUpdate(room)
                                .flatMap(locked ->
                                        locked == null ? Uni.createFrom().item(0L) : events.pruneBefore(room, cutoff))))
                        .collect()
                        .with(Collectors.summingLong(Long::longValue)));
    }

    /** Notifications older than their age limit: one delete. */
    Uni<Long> pruneNotifications() {
        OffsetDateTime cutoff = ChatService.now().minus(notificationMaxAge);
        return DuplicatedContexts.call(vertx, () -> Panache.withTransaction(() -> notifications.pruneBefore(cutoff)));
    }

    @Scheduled(every = "1h", delayed = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void prunePeriodically() {
        prune().subscribe()
                .with(
                        count -> LOG.debugf("retention removed %d events older than %s", count, maxAge),
                        failure -> LOG.warnf("retention pass failed: %s", failure.getMessage()));
        pruneNotifications()
                .subscribe()
                .with(
                        count -> LOG.debugf(
                                "retention removed %d notifications older than %s", count, notificationMaxAge),
                        failure -> LOG.warnf("notification retention failed: %s", failure.getMessage()));
    }
}
