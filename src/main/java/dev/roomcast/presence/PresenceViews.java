package dev.roomcast.presence;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.enterprise.context.ApplicationScoped;

/** Presence as PROTOCOL.md section 4 writes it, the same over WebSocket and HTTP. */
@ApplicationScoped
public class PresenceViews {

    private final ObjectMapper mapper;

    PresenceViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code {"room":R,"users":[{"userId":U,"clients":N,"since":ISO8601}]}}, users by id. */
    public ObjectNode room(String room, List<PresentUser> users) {
        ObjectNode body = mapper.createObjectNode().put("room", room);
        ArrayNode items = body.putArray("users");
        users.stream().sorted((a, b) -> a.userId().compareTo(b.userId())).forEach(user -> items.addObject()
                .put("userId", user.userId()).put("clients", user.clients()).put("since", user.since()));
        return body;
    }

    /** {@code {"userId":U,"online":BOOL,"clients":N,"lastSeen":ISO8601|null}}. */
    public ObjectNode user(UserPresence user) {
        ObjectNode body = mapper.createObjectNode().put("userId", user.userId()).put("online", user.online())
                .put("clients", user.clients());
        if (user.lastSeen() == null) {
            body.putNull("lastSeen");
        } else {
            body.put("lastSeen", user.lastSeen());
        }
        return body;
    }
}
