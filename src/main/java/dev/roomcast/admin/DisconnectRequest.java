package dev.roomcast.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /api/disconnect}: every session of a user, or one client's. */
@RegisterForReflection
@Schema(description = "{\"user\"} or {\"client\"}, and an optional reason")
public record DisconnectRequest(
        @Schema(description = "Every session of this user") String user,

        @Schema(description = "The one session with this client id")
        String client,

        @Schema(
                description =
                        "The close frame's reason: at most 120 UTF-8 bytes, no control characters; default \"disconnected\"")
        String reason) {}
