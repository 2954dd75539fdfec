package dev.roomcast.admin.rest;

import dev.roomcast.admin.RevocationPage;
import dev.roomcast.admin.RevocationRequest;
import dev.roomcast.admin.RevocationService;
import dev.roomcast.rest.Caller;
import dev.roomcast.rest.QueryNumbers;
import dev.roomcast.security.Roles;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

/** {@code /api/revocations} (PROTOCOL.md section 12): revoke tokens, list and lift revocations. */
@Path("/api/revocations")
@Authenticated
@Tag(name = "administration", description = "Disconnects, token revocation, sessions and nodes")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class RevocationResource {

    private final RevocationService revocations;
    private final Caller caller;

    RevocationResource(RevocationService revocations, Caller caller) {
        this.revocations = revocations;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Revoke a user's tokens issued before an instant, or one token by its jti",
            description = "Live sessions holding a matching token close with 4006 within 2 s on every pod; the token is"
                    + " refused everywhere afterwards. A user may revoke its own tokens; the jti form is for admins.")
    @APIResponse(responseCode = "201", description = "Stored and in force")
    @APIResponse(
            responseCode = "400",
            description = "Neither or both forms, issuedBefore in the future, a jti without exp")
    @APIResponse(responseCode = "403", description = "Another user's tokens, the jti form without admin, or too many")
    public Uni<Response> revoke(RevocationRequest request) {
        return revocations
                .create(caller.actor(), request)
                .map(view ->
                        Response.status(Response.Status.CREATED).entity(view).build());
    }

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The revocations in force, newest first: {\"items\": [...], \"hasMore\"}")
    @APIResponse(responseCode = "200", description = "A page")
    @APIResponse(responseCode = "400", description = "A malformed user, before or limit")
    public Uni<RevocationPage> list(
            @QueryParam("user") String user, @QueryParam("before") String before, @QueryParam("limit") String limit) {
        return revocations.list(user, QueryNumbers.number("before", before), QueryNumbers.limit(limit));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Lift one revocation, on every pod within 2 s")
    @APIResponse(responseCode = "204", description = "Lifted")
    @APIResponse(responseCode = "404", description = "No revocation in force with that id")
    public Uni<Response> lift(@PathParam("id") String id) {
        // The id's digits were checked before the request got here (RequestRules).
        return revocations
                .lift(Long.parseLong(id))
                .map(ignored -> Response.noContent().build());
    }
}
