package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.error.RoomcastException;
import java.util.ArrayList;
import java.util.List;

/**
 * The data of {@code join}: {@code {rooms: [ROOM...], since?: {ROOM: {offset, epoch}}}}. Rooms stay in request order;
 * an entry that is not a string is kept as its JSON text, to be refused on its own (PROTOCOL.md section 3). A
 * malformed {@code since} entry is refused for its room alone, when that room is joined.
 */
public record JoinRequest(List<Entry> rooms, JsonNode since) {

    /** One requested room: its name, or the JSON text of what stood in its place. */
    public record Entry(String name, boolean isName) {}

    /** @param maxRooms the most rooms one frame may name ({@code roomcast.max-rooms-per-client}) */
    public static JoinRequest from(JsonNode data, String event, int maxRooms) {
        JsonNode rooms = Fields.requiredArray(data, "rooms");
        if (rooms.size() > maxRooms) {
            throw RoomcastException.badRequest("a " + event + " names at most " + maxRooms + " rooms");
        }
        JsonNode since = data.get("since");
        if (since != null && !since.isObject() && !since.isNull()) {
            throw RoomcastException.badRequest("data.since must be an object");
        }
        List<Entry> entries = new ArrayList<>(rooms.size());
        for (JsonNode item : rooms) {
            entries.add(item.isTextual() ? new Entry(item.textValue(), true) : new Entry(item.toString(), false));
        }
        return new JoinRequest(entries, since == null || since.isNull() ? null : since);
    }

    /** {@code since[room]}: {@code {offset: integer >= 0, epoch: string}}, or null when absent; BAD_REQUEST when malformed. */
    public Since since(String room) {
        JsonNode entry = since == null ? null : since.get(room);
        if (entry == null || entry.isNull()) {
            return null;
        }
        JsonNode offset = entry.get("offset");
        JsonNode epoch = entry.get("epoch");
        if (!entry.isObject()
                || offset == null
                || !offset.canConvertToLong()
                || !offset.isIntegralNumber()
                || offset.asLong() < 0
                || epoch == null
                || !epoch.isTextual()) {
            throw RoomcastException.badRequest("since[" + room + "] must be {offset: integer >= 0, epoch: string}");
        }
        return new Since(offset.asLong(), epoch.textValue());
    }
}
