package dev.roomcast.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Every event a client may send, as named on the wire. The metrics tag {@code event} takes these names (and
 * {@code other}), so a frame's tag never depends on client input beyond this fixed set.
 */
public enum ClientEvent {
    AUTHENTICATE("authenticate"),
    HEARTBEAT("heartbeat"),
    PING("ping"),
    REFRESH("refresh"),
    JOIN("join"),
    LEAVE("leave"),
    PUBLISH("publish"),
    PRESENCE_GET("presence.get"),
    TYPING("typing"),
    READ("read"),
    MESSAGE_SEND("message.send"),
    MESSAGE_EDIT("message.edit"),
    MESSAGE_DELETE("message.delete"),
    MESSAGE_PIN("message.pin"),
    MESSAGE_UNPIN("message.unpin"),
    REACTION_ADD("reaction.add"),
    REACTION_REMOVE("reaction.remove");

    /** Metrics tag for any event name outside this enum. */
    public static final String OTHER = "other";

    private static final Map<String, ClientEvent> BY_WIRE_NAME = new HashMap<>();

    static {
        for (ClientEvent event : values()) {
            BY_WIRE_NAME.put(event.wireName, event);
        }
    }

    private final String wireName;

    ClientEvent(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @return the event for a wire name, or {@code null} when the name is not a client event */
    public static ClientEvent fromWire(String name) {
        return BY_WIRE_NAME.get(name);
    }

    /** Events an unauthenticated socket may send. */
    public boolean allowedBeforeAuthentication() {
        return this == AUTHENTICATE || this == HEARTBEAT || this == PING;
    }
}
