package dev.roomcast.admin.rest;

import dev.roomcast.admin.DisconnectRequest;
import dev.roomcast.admin.DisconnectService;
import dev.roomcast.error.CloseCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.security.InputRules;
import dev.roomcast.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/disconnect} (PROTOCOL.md section 12): end a user's sessions, or one client's, on every pod. */
@Path("/api/disconnect")
@Tag(name = "administration", description = "Disconnects, token revocation, sessions and nodes")
@SecurityRequirement(name = "jwt")
public class DisconnectResource {

    /** What a close frame's reason may hold (125 bytes of payload less the code), with room to spare. */
    static final int MAX_REASON_BYTES = 120;

    private static final int MAX_CLIENT_ID = 128;

    private final DisconnectService disconnects;

    DisconnectResource(DisconnectService disconnects) {
        this.disconnects = disconnects;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Close every session of a user, or one client's, with 4006 and the reason, on every pod",
            description = "Answers 202 {} also when nothing matched. Requires role admin.")
    @APIResponse(responseCode = "202", description = "Accepted: the sessions close within 2 s")
    @APIResponse(responseCode = "400", description = "Neither or both of user and client, or a bad reason")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    @APIResponse(responseCode = "503", description = "The other pods could not be reached; this pod's sessions closed")
    public Uni<Response> disconnect(DisconnectRequest request) {
        if (request == null || (request.user() == null) == (request.client() == null)) {
            throw RoomcastException.badRequest("name either user or client");
        }
        String reason = reason(request.reason());
        Uni<Void> done = request.user() != null
                ? disconnects.disconnectUser(InputRules.userId(request.user(), "user"), reason)
                : disconnects.disconnectClient(InputRules.line(request.client(), MAX_CLIENT_ID, "client"), reason);
        return done.map(ignored -> Response.accepted(Map.of()).build());
    }

    private static String reason(String reason) {
        if (reason == null) {
            return CloseCode.DISCONNECTED.reason();
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > MAX_REASON_BYTES || InputRules.hasControl(reason, false)) {
            throw RoomcastException.badRequest(
                    "reason must be at most " + MAX_REASON_BYTES + " UTF-8 bytes without control characters");
        }
        return reason;
    }
}
