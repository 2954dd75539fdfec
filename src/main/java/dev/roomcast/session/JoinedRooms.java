package dev.roomcast.session;

import dev.roomcast.chat.ChatService;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomNames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The rule for room-scoped client events (chat events, {@code typing}, {@code presence.get}): the room must be joined,
 * admins included. A room with history that does not exist is NOT_FOUND rather than FORBIDDEN (a live room always
 * exists).
 */
@ApplicationScoped
class JoinedRooms {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final RoomAccess access;
    private final ChatService chat;

    JoinedRooms(RoomAccess access, ChatService chat) {
        this.access = access;
        this.chat = chat;
    }

    Uni<Void> require(Session session, String room) {
        if (session.memberships().isIn(room)) {
            return DONE;
        }
        boolean history = RoomNames.parse(room)
                .map(name -> access.policyOf(name).history())
                .orElse(false);
        if (!history) {
            return Uni.createFrom().failure(RoomcastException.forbidden("join " + room + " first"));
        }
        return chat.exists(room).emitOn(FrameLoop.current()).map(exists -> {
            if (exists) {
                throw RoomcastException.forbidden("join " + room + " first");
            }
            throw RoomcastException.notFound("room " + room + " does not exist");
        });
    }
}
