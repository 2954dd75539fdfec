package dev.roomcast.presence;

import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EventNames;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The {@code presence.join} / {@code presence.leave} events a room receives, as PROTOCOL.md section 4 writes them. */
public final class PresenceEvents {

    public static final String JOIN = EventNames.PRESENCE_JOIN;
    public static final String LEAVE = EventNames.PRESENCE_LEAVE;
    /** The serverId of presence events published by Redis presence scripts: no pod's, so every pod delivers them. */
    public static final String SERVER_ID = "presence";

    private PresenceEvents() {}

    static Envelope envelope(String room, String event, String userId) {
        return new Envelope(
                SERVER_ID,
                DeliveryType.ROOM,
                room,
                event,
                new JsonObject().put("userId", userId).encode(),
                List.of(),
                null,
                null,
                null,
                RoomcastMetrics.nowMicros());
    }
}
