package dev.roomcast.presence;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Who is in a room, across every pod, users by id: the same over WebSocket and HTTP. */
@RegisterForReflection
@Schema(name = "RoomPresence")
public record RoomPresence(String room, List<PresentUser> users) {}
