package dev.roomcast.chat.rest;

import dev.roomcast.chat.NotificationList;
import dev.roomcast.chat.NotificationService;
import dev.roomcast.rest.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's stored notifications (mentions), so that offline users see them later. */
@Path("/api/notifications")
@Authenticated
@Tag(name = "notifications")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
public class NotificationResource {

    private final NotificationService notifications;
    private final Caller caller;

    NotificationResource(NotificationService notifications, Caller caller) {
        this.notifications = notifications;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Newest first: {\"items\": [{id, type, room, messageId, from, createdAt, read}]}")
    @APIResponse(responseCode = "200", description = "The notifications")
    public Uni<NotificationList> list(@QueryParam("unread") boolean unread) {
        return notifications.list(caller.actor(), unread);
    }

    @POST
    @Path("/{id}/read")
    @Operation(summary = "Mark one read")
    @APIResponse(responseCode = "204", description = "Marked")
    @APIResponse(responseCode = "404", description = "No such notification of the caller")
    public Uni<Response> read(@PathParam("id") String id) {
        // The id's digits were checked before the request got here (RequestRules): a 400, not JAX-RS's 404.
        return notifications
                .markRead(caller.actor(), Long.parseLong(id))
                .map(ignored -> Response.noContent().build());
    }
}
