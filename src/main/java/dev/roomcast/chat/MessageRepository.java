package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Messages, and the history and unread queries that walk a room by offset. */
@ApplicationScoped
public class MessageRepository implements PanacheRepositoryBase<Message, Long> {

    /** The room of a message, without loading the message (it is loaded once its room is locked). */
    public Uni<String> roomOf(long messageId) {
        return getSession()
                .flatMap(session -> session.createSelectionQuery(
                                "select m.room from Message m where m.id = :id", String.class)
                        .setParameter("id", messageId)
                        .getSingleResultOrNull());
    }

    /** The user's message of this {@code clientMsgId} in the room: idempotency is per user and room. */
    public Uni<Message> findByClientMsgId(String room, String userId, String clientMsgId) {
        return find("room = ?1 and userId = ?2 and clientMsgId = ?3", room, userId, clientMsgId)
                .firstResult();
    }

    /** Up to {@code count} messages just below offset {@code before}, ascending. */
    public Uni<List<Message>> before(String room, long before, int count) {
        return find("room = ?1 and offset < ?2 order by offset desc", room, before)
                .range(0, count - 1)
                .list()
                .map(MessageRepository::ascending);
    }

    /** Up to {@code count} messages just above offset {@code after}, ascending. */
    public Uni<List<Message>> after(String room, long after, int count) {
        return find("room = ?1 and offset > ?2 order by offset asc", room, after)
                .range(0, count - 1)
                .list();
    }

    /** Up to {@code count} replies of a thread just above offset {@code after}, ascending. */
    public Uni<List<Message>> thread(String room, long parentId, long after, int count) {
        return find("room = ?1 and threadId = ?2 and offset > ?3 order by offset asc", room, parentId, after)
                .range(0, count - 1)
                .list();
    }

    /** Messages by others above an offset, thread replies included, deleted ones not: PROTOCOL.md's {@code unread}. */
    public Uni<Long> unread(String room, String userId, long readOffset) {
        return count("room = ?1 and offset > ?2 and userId <> ?3 and deleted = false", room, readOffset, userId);
    }

    private static List<Message> ascending(List<Message> descending) {
        List<Message> copy = new ArrayList<>(descending);
        Collections.reverse(copy);
        return copy;
    }
}
