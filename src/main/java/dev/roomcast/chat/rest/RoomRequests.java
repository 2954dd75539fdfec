package dev.roomcast.chat.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Bodies of the room and message endpoints. */
public final class RoomRequests {

    private RoomRequests() {}

    @Schema(description = "A new chat room")
    public record CreateRoom(
            @Schema(description = "chat:ID", required = true)
            String room,

            @Schema(description = "Up to 200 characters") String title) {}

    @Schema(description = "New room settings")
    public record UpdateRoom(
            @Schema(description = "Up to 200 characters; empty clears it")
            String title) {}

    @Schema(description = "A message, sent as with the message.send event")
    public record SendMessage(
            @Schema(description = "1 to 4000 characters after trimming", required = true)
            String text,

            @Schema(description = "The client's id for this message: a repeat returns the original", required = true)
            String clientMsgId,

            @Schema(description = "Id of the message this one replies to")
            Long threadId) {}
}
