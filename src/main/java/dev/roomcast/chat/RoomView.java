package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A chat room: {@code ROOM} of the HTTP API and the data of {@code room.updated}. */
@RegisterForReflection
@Schema(name = "Room")
public record RoomView(
        @Schema(description = "chat:ID") String room,
        @Schema(nullable = true) String title,
        String owner,

        @Schema(description = "Changes when the room's history starts over")
        String epoch,

        @Schema(description = "The offset of the room's latest event")
        long lastOffset) {

    static RoomView of(Room room) {
        return new RoomView(room.name, room.title, room.ownerId, room.epoch, room.lastOffset);
    }
}
