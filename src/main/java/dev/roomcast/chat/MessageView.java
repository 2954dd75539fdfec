package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A complete message, as events, acks, the event log and the HTTP API show it. */
@RegisterForReflection
@Schema(name = "Message", description = "A message; a deleted one keeps its place with deleted:true and empty text")
public record MessageView(
        long id,
        String room,

        @Schema(description = "The offset of its message.created event")
        long offset,

        String userId,
        String text,
        String clientMsgId,

        @Schema(description = "The message it replies to, or null", nullable = true)
        Long threadId,

        @Schema(description = "ISO 8601") String createdAt,

        @Schema(description = "ISO 8601, or null", nullable = true)
        String editedAt,

        boolean deleted,
        boolean pinned,
        @Schema(description = "emoji: count") Map<String, Integer> reactions,
        int replyCount) {}
