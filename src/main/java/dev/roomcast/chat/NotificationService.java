package dev.roomcast.chat;

import dev.roomcast.error.RoomcastException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** A user's stored notifications: listed newest first, marked read one by one. */
@ApplicationScoped
public class NotificationService {

    /** Notifications listed at most per request, newest first. */
    static final int PAGE = 100;

    private final NotificationRepository notifications;

    NotificationService(NotificationRepository notifications) {
        this.notifications = notifications;
    }

    public Uni<NotificationList> list(Actor actor, boolean unreadOnly) {
        return Panache.withSession(() -> notifications.of(actor.userId(), unreadOnly, PAGE))
                .map(found -> new NotificationList(found.stream()
                        .map(notification -> new NotificationView(
                                notification.id,
                                notification.type,
                                notification.room,
                                notification.messageId,
                                notification.fromUser,
                                ChatViews.time(notification.createdAt),
                                notification.read))
                        .toList()));
    }

    /** Marks one of the caller's notifications read; another user's is NOT_FOUND. */
    public Uni<Void> markRead(Actor actor, long id) {
        return Panache.withTransaction(() -> notifications.findById(id).map(notification -> {
                    if (notification == null || !notification.userId.equals(actor.userId())) {
                        throw RoomcastException.notFound("notification " + id + " does not exist");
                    }
                    notification.read = true;
                    return null;
                }))
                .replaceWithVoid();
    }
}
