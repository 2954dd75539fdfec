package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A stored notification (a mention). */
@RegisterForReflection
@Schema(name = "Notification")
public record NotificationView(
        long id,
        @Schema(description = "mention") String type,
        String room,
        long messageId,
        @Schema(description = "Who mentioned the user") String from,
        @Schema(description = "ISO 8601") String createdAt,
        boolean read) {}
