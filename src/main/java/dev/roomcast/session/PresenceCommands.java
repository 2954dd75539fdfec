package dev.roomcast.session;

import dev.roomcast.error.RoomcastException;
import dev.roomcast.presence.Presence;
import dev.roomcast.presence.PresenceViews;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.RoomRequest;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code presence.get} (PROTOCOL.md section 4): who is in a joined room, counted across every pod. */
@ApplicationScoped
class PresenceCommands {

    private final Presence presence;
    private final PresenceViews views;
    private final RoomAccess access;
    private final JoinedRooms joined;
    private final Replies replies;

    PresenceCommands(Presence presence, PresenceViews views, RoomAccess access, JoinedRooms joined, Replies replies) {
        this.presence = presence;
        this.views = views;
        this.access = access;
        this.joined = joined;
        this.replies = replies;
    }

    Uni<Void> get(Session session, ClientFrame frame) {
        String room = RoomRequest.from(frame.data()).room();
        RoomName name = RoomNames.parse(room).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        if (!access.policyOf(name).presence()) {
            throw RoomcastException.forbidden("presence is not tracked in " + name.namespace() + " rooms");
        }
        return joined.require(session, room)
                .chain(() -> presence.inRoom(room))
                .emitOn(FrameLoop.current())
                .invoke(users -> replies.ack(session, frame, views.room(room, users)))
                .replaceWithVoid();
    }
}
