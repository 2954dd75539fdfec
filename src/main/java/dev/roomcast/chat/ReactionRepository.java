package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reactions, and their counts per message and emoji. */
@ApplicationScoped
public class ReactionRepository implements PanacheRepositoryBase<Reaction, Reaction.Key> {

    /**
     * Removes one user's reaction in a single statement, true when there was one. A statement rather than a loaded
     * entity's removal: Hibernate Reactive's entity delete, completed on another event loop under concurrent load,
     * resumes the session there (HR000069, quarkusio/quarkus#41945).
     */
    public Uni<Boolean> deleteOne(Long messageId, String emoji, String userId) {
        return delete("messageId = ?1 and emoji = ?2 and userId = ?3", messageId, emoji, userId)
                .map(deleted -> deleted > 0);
    }

    public Uni<Long> count(Long messageId, String emoji) {
        return count("messageId = ?1 and emoji = ?2", messageId, emoji);
    }

    /** {emoji: count} for each message, in a single query. */
    public Uni<Map<Long, Map<String, Integer>>> countsFor(List<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return getSession()
                .flatMap(session -> session.createSelectionQuery(
                                "select r.messageId, r.emoji, count(r) from Reaction r where r.messageId in :ids "
                                        + "group by r.messageId, r.emoji order by r.messageId, r.emoji",
                                Object[].class)
                        .setParameter("ids", messageIds)
                        .getResultList())
                .map(rows -> {
                    Map<Long, Map<String, Integer>> counts = new HashMap<>();
                    for (Object[] row : rows) {
                        counts.computeIfAbsent((Long) row[0], id -> new LinkedHashMap<>())
                                .put((String) row[1], ((Long) row[2]).intValue());
                    }
                    return counts;
                });
    }
}
