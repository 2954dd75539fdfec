package dev.roomcast.presence;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Whether a user is online, with how many sessions, and when they were last seen online. */
@RegisterForReflection
@Schema(name = "UserPresence")
public record UserPresenceView(
        String userId,
        boolean online,
        long clients,

        @Schema(description = "ISO 8601; null while online or when never seen", nullable = true)
        String lastSeen) {}
