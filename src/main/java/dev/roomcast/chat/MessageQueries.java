package dev.roomcast.chat;

import dev.roomcast.error.RoomcastException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * History pages and thread pages for members (PROTOCOL.md section 6), ascending by offset. A page fetches one message
 * more than asked to tell whether more exist in the paging direction.
 */
@ApplicationScoped
public class MessageQueries {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private final RoomRepository rooms;
    private final MemberRepository members;
    private final MessageRepository messages;
    private final ReactionRepository reactions;
    private final ChatViews views;

    MessageQueries(
            RoomRepository rooms,
            MemberRepository members,
            MessageRepository messages,
            ReactionRepository reactions,
            ChatViews views) {
        this.rooms = rooms;
        this.members = members;
        this.messages = messages;
        this.reactions = reactions;
        this.views = views;
    }

    /** {@code before} = the {@code limit} just below it; {@code after} = the first {@code limit} above it; neither = the latest. */
    public Uni<MessagePage> page(Actor actor, String room, Long before, Long after, Integer limit) {
        int size = pageSize(limit);
        if (before != null && after != null) {
            throw RoomcastException.badRequest("give before or after, not both");
        }
        requireOffset(before);
        requireOffset(after);
        return Panache.withSession(() -> readable(actor, room).flatMap(ignored -> {
            Uni<List<Message>> fetched = after != null
                    ? messages.after(room, after, size + 1)
                    : messages.before(room, before != null ? before : Long.MAX_VALUE, size + 1);
            return fetched.flatMap(found -> {
                boolean hasMore = found.size() > size;
                // Ascending either way: the extra one is the newest when paging forward, the oldest when paging back.
                List<Message> page =
                        !hasMore ? found : after != null ? found.subList(0, size) : found.subList(1, size + 1);
                return body(page, hasMore);
            });
        }));
    }

    /** A thread's replies, ascending: the first {@code limit} above offset {@code after} (0 when absent). */
    public Uni<MessagePage> thread(Actor actor, String room, long parentId, Long after, Integer limit) {
        int size = pageSize(limit);
        requireOffset(after);
        return Panache.withSession(() -> readable(actor, room)
                .flatMap(ignored -> messages.findById(parentId))
                .flatMap(parent -> {
                    if (parent == null || !parent.room.equals(room)) {
                        throw RoomcastException.notFound("message " + parentId + " does not exist in " + room);
                    }
                    return messages.thread(room, parentId, after == null ? 0 : after, size + 1)
                            .flatMap(found -> {
                                boolean hasMore = found.size() > size;
                                return body(hasMore ? found.subList(0, size) : found, hasMore);
                            });
                }));
    }

    private static int pageSize(Integer limit) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw RoomcastException.badRequest("limit must be 1 to " + MAX_LIMIT);
        }
        return size;
    }

    private static void requireOffset(Long offset) {
        if (offset != null && offset < 0) {
            throw RoomcastException.badRequest("offsets are 0 or more");
        }
    }

    private Uni<MessagePage> body(List<Message> page, boolean hasMore) {
        return reactions
                .countsFor(page.stream().map(message -> message.id).toList())
                .map(counts -> new MessagePage(
                        page.stream()
                                .map(message -> views.message(message, counts.getOrDefault(message.id, Map.of())))
                                .toList(),
                        hasMore));
    }

    /** The room exists (404) and the caller is a member or an admin (403). */
    private Uni<Room> readable(Actor actor, String room) {
        return rooms.findById(room).flatMap(found -> {
            if (found == null) {
                throw RoomcastException.notFound("room " + room + " does not exist");
            }
            if (actor.admin()) {
                return Uni.createFrom().item(found);
            }
            return members.find(room, actor.userId()).map(member -> {
                if (member == null) {
                    throw RoomcastException.forbidden("not a member of " + room);
                }
                return found;
            });
        });
    }
}
