package dev.roomcast.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /api/emit} (PROTOCOL.md section 7); read by Jackson, so registered for the native image. */
@RegisterForReflection
@Schema(description = "A server-side event for a room, a user, a client or everyone")
public record EmitRequest(
        @Schema(
                description = "room, user, client or broadcast",
                required = true,
                enumeration = {"room", "user", "client", "broadcast"})
        String type,

        @Schema(description = "Room name, user id or client id; not needed for broadcast")
        String target,

        @Schema(description = "Event name: [A-Za-z][A-Za-z0-9_.:-]{0,63}, not a reserved name", required = true)
        String event,

        @Schema(description = "Any JSON value, delivered unchanged")
        JsonNode data,

        @Schema(description = "Client ids that must not receive the event")
        List<String> exclude) {}
