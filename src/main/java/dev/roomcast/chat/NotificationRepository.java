package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/** Stored notifications, newest first; they go with their room (a foreign key) and after {@code roomcast.notifications.max-age}. */
@ApplicationScoped
public class NotificationRepository implements PanacheRepositoryBase<Notification, Long> {

    public Uni<List<Notification>> of(String userId, boolean unreadOnly, int limit) {
        // Ids come from pooled sequence blocks per pod, so they are not in time order across pods: newest by time.
        String query = unreadOnly
                ? "userId = ?1 and read = false order by createdAt desc, id desc"
                : "userId = ?1 order by createdAt desc, id desc";
        return find(query, userId).range(0, limit - 1).list();
    }

    /** Deletes the notifications created before the cutoff. */
    public Uni<Long> pruneBefore(OffsetDateTime cutoff) {
        return delete("createdAt < ?1", cutoff);
    }
}
