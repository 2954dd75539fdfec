package dev.roomcast.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The caller's rooms, by name. */
@RegisterForReflection
@Schema(name = "RoomList")
public record RoomList(List<RoomSummary> items) {}
