package dev.roomcast.rest;

import dev.roomcast.presence.Presence;
import dev.roomcast.presence.PresenceViews;
import dev.roomcast.presence.UserPresenceView;
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

/** Any user's online state over HTTP (PROTOCOL.md section 4), for any authenticated caller. */
@Path("/api/users/{userId}/presence")
@Authenticated
@Tag(name = "presence")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
public class UserPresenceResource {

    private final Presence presence;
    private final PresenceViews views;

    UserPresenceResource(Presence presence, PresenceViews views) {
        this.presence = presence;
        this.views = views;
    }

    @GET
    @Operation(summary = "{\"userId\": U, \"online\": BOOL, \"clients\": N, \"lastSeen\": ISO8601 or null}")
    @APIResponse(
            responseCode = "200",
            description = "The user's presence (offline, never seen: clients 0, lastSeen null)")
    public Uni<UserPresenceView> user(@PathParam("userId") String userId) {
        return presence.ofUser(userId).map(views::user);
    }
}
