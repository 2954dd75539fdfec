package dev.roomcast.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.error.RoomcastException;
import java.util.ArrayList;
import java.util.List;

/** The data of {@code leave}: {@code {rooms: [ROOM...]}}; entries that are not strings name no room and are skipped. */
public record LeaveRequest(List<String> rooms) {

    /** @param maxRooms the most rooms one frame may name ({@code roomcast.max-rooms-per-client}) */
    public static LeaveRequest from(JsonNode data, String event, int maxRooms) {
        JsonNode rooms = Fields.requiredArray(data, "rooms");
        if (rooms.size() > maxRooms) {
            throw RoomcastException.badRequest("a " + event + " names at most " + maxRooms + " rooms");
        }
        List<String> names = new ArrayList<>(rooms.size());
        for (JsonNode item : rooms) {
            if (item.isTextual()) {
                names.add(item.textValue());
            }
        }
        return new LeaveRequest(names);
    }
}
