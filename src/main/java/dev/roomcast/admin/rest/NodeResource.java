package dev.roomcast.admin.rest;

import dev.roomcast.admin.NodeDirectory;
import dev.roomcast.admin.NodeInfo;
import dev.roomcast.security.Roles;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/nodes} (PROTOCOL.md section 12): the live pods and their figures, at most 2 s old. */
@Path("/api/nodes")
@Tag(name = "administration", description = "Disconnects, token revocation, sessions and nodes")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {

    private final NodeDirectory nodes;

    NodeResource(NodeDirectory nodes) {
        this.nodes = nodes;
    }

    /** {@code {"items": [...]}}: the live pods. */
    @RegisterForReflection
    public record NodeList(List<NodeInfo> items) {}

    @GET
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Every live pod: {\"items\": [{pod, connections, users, rooms, startedAt, draining}]}")
    @APIResponse(responseCode = "200", description = "The pods")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    @APIResponse(responseCode = "503", description = "Redis, where the pods write their figures, is down")
    public Uni<NodeList> list() {
        return nodes.nodes().map(NodeList::new);
    }
}
