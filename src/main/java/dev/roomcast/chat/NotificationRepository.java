package dev.roomcast.chat;

import java.util.List;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Stored notifications, newest first. */
@ApplicationScoped
public class NotificationRepository implements PanacheRepositoryBase<Notification, Long> {

    public Uni<List<Notification>> of(String userId, boolean unreadOnly, int limit) {
        String query = unreadOnly ? "userId = ?1 and read = false order by id desc" : "userId = ?1 order by id desc";
        return find(query, userId).range(0, limit - 1).list();
    }
}
