package dev.roomcast.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
    private final ChatViews views;

    NotificationService(NotificationRepository notifications, ChatViews views) {
        this.notifications = notifications;
        this.views = views;
    }

    public Uni<ObjectNode> list(Actor actor, boolean unreadOnly) {
        return Panache.withSession(() -> notifications.of(actor.userId(), unreadOnly, PAGE)).map(found -> {
            ObjectNode body = views.object();
            ArrayNode items = body.putArray("items");
            for (Notification notification : found) {
                items.addObject().put("id", notification.id).put("type", notification.type).put("room", notification.room)
                        .put("messageId", notification.messageId).put("from", notification.fromUser)
                        .put("createdAt", ChatViews.time(notification.createdAt)).put("read", notification.read);
            }
            return body;
        });
    }

    /** Marks one of the caller's notifications read; another user's is NOT_FOUND. */
    public Uni<Void> markRead(Actor actor, long id) {
        return Panache.withTransaction(() -> notifications.findById(id).map(notification -> {
            if (notification == null || !notification.userId.equals(actor.userId())) {
                throw RoomcastException.notFound("notification " + id + " does not exist");
            }
            notification.read = true;
            return null;
        })).replaceWithVoid();
    }
}
