package dev.roomcast.chat.rest;

import dev.roomcast.chat.ChatOutcome;
import dev.roomcast.chat.ChatPublisher;
import dev.roomcast.chat.RoomList;
import dev.roomcast.chat.RoomService;
import dev.roomcast.chat.RoomView;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.rest.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Chat rooms: create, list, read, update, delete (PROTOCOL.md section 6). */
@Path("/api/rooms")
@Authenticated
@Tag(name = "rooms")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
public class RoomResource {

    private final RoomService rooms;
    private final ChatPublisher publisher;
    private final Caller caller;

    RoomResource(RoomService rooms, ChatPublisher publisher, Caller caller) {
        this.rooms = rooms;
        this.publisher = publisher;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a chat: room; the caller becomes its owner and a member")
    @APIResponse(
            responseCode = "201",
            description = "The room",
            content = @Content(schema = @Schema(implementation = RoomView.class)))
    @APIResponse(responseCode = "400", description = "Malformed name, or not a chat namespace")
    @APIResponse(responseCode = "409", description = "The room exists")
    public Uni<Response> create(RoomRequests.CreateRoom body) {
        if (body == null || body.room() == null) {
            throw RoomcastException.badRequest("room is required");
        }
        return rooms.create(caller.actor(), body.room(), body.title())
                .map(room ->
                        Response.status(Response.Status.CREATED).entity(room).build());
    }

    @GET
    @Operation(summary = "The caller's rooms, each with its unread count")
    @APIResponse(responseCode = "200", description = "The rooms")
    public Uni<RoomList> list() {
        return rooms.roomsOf(caller.actor());
    }

    @GET
    @Path("/{room}")
    @Operation(summary = "A room, for its members")
    @APIResponse(responseCode = "200", description = "The room")
    @APIResponse(responseCode = "403", description = "Not a member")
    @APIResponse(responseCode = "404", description = "No such room")
    public Uni<RoomView> get(@PathParam("room") String room) {
        return rooms.get(caller.actor(), room);
    }

    @PATCH
    @Path("/{room}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change the title (owner, admin); the room gets room.updated")
    @APIResponse(responseCode = "200", description = "The room, changed")
    @APIResponse(responseCode = "403", description = "Not the owner or an admin")
    @APIResponse(responseCode = "404", description = "No such room")
    public Uni<RoomView> update(@PathParam("room") String room, RoomRequests.UpdateRoom body) {
        return rooms.update(caller.actor(), room, body == null ? null : body.title())
                .call(outcome -> publisher.publish(outcome, null))
                .map(ChatOutcome::reply);
    }

    @DELETE
    @Path("/{room}")
    @Operation(summary = "Delete the room (owner, admin); its members get room.deleted and leave it")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "Not the owner or an admin")
    @APIResponse(responseCode = "404", description = "No such room")
    public Uni<Response> delete(@PathParam("room") String room) {
        return rooms.delete(caller.actor(), room)
                .call(outcome -> publisher.publish(outcome, null))
                .map(outcome -> Response.noContent().build());
    }
}
