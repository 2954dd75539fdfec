package dev.roomcast.admin.rest;

import dev.roomcast.admin.DisconnectService;
import dev.roomcast.admin.SessionDirectory;
import dev.roomcast.chat.Actor;
import dev.roomcast.error.CloseCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.protocol.SessionInfo;
import dev.roomcast.rest.Caller;
import dev.roomcast.security.InputRules;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/users/{userId}/sessions} (PROTOCOL.md section 12): a user's live sessions on every pod, and "log out
 * that device". For an admin, or the user itself.
 */
@Path("/api/users/{userId}/sessions")
@Authenticated
@Tag(name = "administration", description = "Disconnects, token revocation, sessions and nodes")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private static final int MAX_CLIENT_ID = 128;

    private final SessionDirectory directory;
    private final DisconnectService disconnects;
    private final Caller caller;

    SessionResource(SessionDirectory directory, DisconnectService disconnects, Caller caller) {
        this.directory = directory;
        this.disconnects = disconnects;
        this.caller = caller;
    }

    /** {@code {"items": [...]}}: a user's live sessions. */
    @RegisterForReflection
    public record SessionList(List<SessionInfo> items) {}

    @GET
    @Operation(
            summary = "The user's live sessions on every pod, oldest first: {\"items\": [{client, pod, transport,"
                    + " connectedAt, rooms, encrypted}]}")
    @APIResponse(responseCode = "200", description = "The sessions")
    @APIResponse(responseCode = "403", description = "Another user's sessions, without admin")
    @APIResponse(responseCode = "503", description = "The other pods could not be asked (Redis is down)")
    public Uni<SessionList> list(@PathParam("userId") String userId) {
        allowed(userId);
        return directory.sessionsOf(userId).map(SessionList::new);
    }

    @DELETE
    @Path("/{client}")
    @Operation(summary = "Close one of the user's sessions with 4006 (\"log out that device\")")
    @APIResponse(responseCode = "204", description = "Closing, on whichever pod holds it")
    @APIResponse(responseCode = "403", description = "Another user's session, without admin")
    @APIResponse(responseCode = "404", description = "The user has no live session with that client id")
    @APIResponse(responseCode = "503", description = "The other pods could not be asked (Redis is down)")
    public Uni<Response> end(@PathParam("userId") String userId, @PathParam("client") String client) {
        allowed(userId);
        InputRules.line(client, MAX_CLIENT_ID, "client");
        return directory.sessionsOf(userId).chain(found -> {
            if (found.stream().noneMatch(session -> session.client().equals(client))) {
                return Uni.createFrom()
                        .failure(RoomcastException.notFound("the user has no live session with that client id"));
            }
            return disconnects
                    .disconnectClient(client, CloseCode.DISCONNECTED.reason())
                    .map(ignored -> Response.noContent().build());
        });
    }

    private void allowed(String userId) {
        Actor actor = caller.actor();
        if (!actor.admin() && !actor.userId().equals(userId)) {
            throw RoomcastException.forbidden("only an admin or the user itself sees the user's sessions");
        }
    }
}
