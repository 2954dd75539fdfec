package dev.roomcast.presence;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;

/** Presence as clients see it, the same over WebSocket and HTTP. */
@ApplicationScoped
public class PresenceViews {

    /** The room's users, by id. */
    public RoomPresence room(String room, List<PresentUser> users) {
        return new RoomPresence(
                room,
                users.stream().sorted(Comparator.comparing(PresentUser::userId)).toList());
    }

    public UserPresenceView user(UserPresence user) {
        return new UserPresenceView(user.userId(), user.online(), user.clients(), user.lastSeen());
    }
}
