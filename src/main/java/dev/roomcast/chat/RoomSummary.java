package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One of the caller's rooms, with how many messages by others it has not read. */
@RegisterForReflection
@Schema(name = "RoomSummary")
public record RoomSummary(
        String room,
        @Schema(nullable = true) String title,
        String owner,
        String epoch,
        long lastOffset,

        @Schema(description = "Messages by other users above the caller's read offset, deleted ones excluded")
        long unread) {

    static RoomSummary of(Room room, long unread) {
        return new RoomSummary(room.name, room.title, room.ownerId, room.epoch, room.lastOffset, unread);
    }
}
