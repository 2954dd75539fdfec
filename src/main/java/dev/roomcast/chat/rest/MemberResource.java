package dev.roomcast.chat.rest;

import dev.roomcast.chat.ChatPublisher;
import dev.roomcast.chat.RoomService;
import dev.roomcast.rest.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Members and bans of a room (PROTOCOL.md section 6). */
@Path("/api/rooms/{room}")
@Authenticated
@Tag(name = "members")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "404", description = "No such room (or member)")
public class MemberResource {

    private final RoomService rooms;
    private final ChatPublisher publisher;
    private final Caller caller;

    MemberResource(RoomService rooms, ChatPublisher publisher, Caller caller) {
        this.rooms = rooms;
        this.publisher = publisher;
        this.caller = caller;
    }

    @PUT
    @Path("/members/{userId}")
    @Operation(summary = "Add a member (owner, admin); the user gets member.added")
    @APIResponse(responseCode = "204", description = "Added (or was a member)")
    @APIResponse(responseCode = "403", description = "Not the owner or an admin, or the user is banned")
    public Uni<Response> add(@PathParam("room") String room, @PathParam("userId") String userId) {
        return rooms.addMember(caller.actor(), room, userId)
                .call(outcome -> publisher.publish(outcome, null))
                .map(outcome -> Response.noContent().build());
    }

    @DELETE
    @Path("/members/{userId}")
    @Operation(
            summary = "Remove a member: oneself (leave), or anyone as owner or admin (kick)",
            description = "The user gets member.removed {room, reason} and its sessions leave the room on every pod.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "Not oneself, the owner or an admin")
    public Uni<Response> remove(@PathParam("room") String room, @PathParam("userId") String userId) {
        return rooms.removeMember(caller.actor(), room, userId)
                .call(outcome -> publisher.publish(outcome, null))
                .map(outcome -> Response.noContent().build());
    }

    @POST
    @Path("/bans/{userId}")
    @Operation(summary = "Ban (owner, admin): kicked now, cannot rejoin or be added until unbanned")
    @APIResponse(responseCode = "204", description = "Banned")
    @APIResponse(responseCode = "403", description = "Not the owner or an admin")
    public Uni<Response> ban(@PathParam("room") String room, @PathParam("userId") String userId) {
        return rooms.ban(caller.actor(), room, userId)
                .call(outcome -> publisher.publish(outcome, null))
                .map(outcome -> Response.noContent().build());
    }

    @DELETE
    @Path("/bans/{userId}")
    @Operation(summary = "Unban (owner, admin)")
    @APIResponse(responseCode = "204", description = "Unbanned")
    @APIResponse(responseCode = "403", description = "Not the owner or an admin")
    public Uni<Response> unban(@PathParam("room") String room, @PathParam("userId") String userId) {
        return rooms.unban(caller.actor(), room, userId)
                .map(ignored -> Response.noContent().build());
    }
}
