package dev.roomcast.rest;

import dev.roomcast.chat.Actor;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.presence.Presence;
import dev.roomcast.presence.PresenceViews;
import dev.roomcast.presence.RoomPresence;
import dev.roomcast.room.NamespacePolicy;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A room's present users over HTTP (PROTOCOL.md section 6), for whoever may join the room: members of a {@code chat:}
 * room and admins; anyone for a {@code live:} room. Its own path, so that it is matched before the chat room API's.
 */
@Path("/api/rooms/{room}/presence")
@Authenticated
@Tag(name = "presence")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
public class RoomPresenceResource {

    private final Presence presence;
    private final PresenceViews views;
    private final RoomAccess access;
    private final Caller caller;

    RoomPresenceResource(Presence presence, PresenceViews views, RoomAccess access, Caller caller) {
        this.presence = presence;
        this.views = views;
        this.access = access;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "As presence.get: {\"room\": R, \"users\": [{userId, clients, since}]}, across all pods")
    @APIResponse(responseCode = "200", description = "The users present")
    @APIResponse(responseCode = "400", description = "Malformed room name")
    @APIResponse(
            responseCode = "403",
            description = "The caller may not join the room, or its namespace has no presence")
    @APIResponse(responseCode = "404", description = "No such room or namespace")
    public Uni<RoomPresence> room(@PathParam("room") String room) {
        RoomName name = RoomNames.parse(room).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        NamespacePolicy policy = access.policyOf(name);
        if (!policy.presence()) {
            throw RoomcastException.forbidden("presence is not tracked in " + name.namespace() + " rooms");
        }
        Actor actor = caller.actor();
        return access.checkJoin(policy, name, actor.userId(), null, actor.admin())
                .chain(() -> presence.inRoom(room))
                .map(users -> views.room(room, users));
    }
}
