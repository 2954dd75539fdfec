package dev.roomcast.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.broker.Publisher;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EventNames;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /api/emit}: services push events to rooms, users, clients or everyone, on every pod. */
@Path("/api/emit")
@Tag(name = "emit", description = "Server-side publishing")
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityRequirement(name = "jwt")
public class EmitResource {

    /** Client ids are {@code {serverId}.{n}}: far shorter than this. */
    private static final int MAX_CLIENT_ID = 128;

    private static final int MAX_EXCLUDE = 1000;

    private final Publisher publisher;
    private final NodeIdentity node;
    private final RoomAccess access;
    private final ObjectMapper mapper;

    EmitResource(Publisher publisher, NodeIdentity node, RoomAccess access, ObjectMapper mapper) {
        this.publisher = publisher;
        this.node = node;
        this.access = access;
        this.mapper = mapper;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Deliver an event to a room, a user, a client or every authenticated client, on every pod",
            description =
                    "Delivers {\"event\", \"data\"} (plus \"room\" for type room). Not persisted. Requires role admin.")
    @APIResponse(responseCode = "202", description = "Accepted: delivered locally and handed to the other pods")
    @APIResponse(responseCode = "400", description = "Unknown type, missing target, malformed or reserved event")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    @APIResponse(responseCode = "403", description = "The caller is not an admin")
    @APIResponse(responseCode = "503", description = "The cluster link (Redis) is down; local clients got the event")
    public Uni<Response> emit(EmitRequest request) {
        Envelope envelope = toEnvelope(request);
        return publisher.publish(envelope).replaceWith(() -> Response.accepted().build());
    }

    private Envelope toEnvelope(EmitRequest request) {
        if (request == null) {
            throw RoomcastException.badRequest("a JSON body is required");
        }
        DeliveryType type = DeliveryType.fromWire(request.type());
        if (type == null) {
            throw RoomcastException.badRequest("type must be room, user, client or broadcast");
        }
        if (!EventNames.isEmittable(request.event())) {
            throw RoomcastException.badRequest("event is missing, malformed or reserved");
        }
        String target = request.target();
        if (type != DeliveryType.BROADCAST && (target == null || target.isBlank())) {
            throw RoomcastException.badRequest("target is required for type " + request.type());
        }
        if (type == DeliveryType.USER) {
            InputRules.userId(target, "target");
        } else if (type == DeliveryType.CLIENT) {
            InputRules.line(target, MAX_CLIENT_ID, "target");
        } else if (type == DeliveryType.ROOM) {
            RoomName room =
                    RoomNames.parse(target).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
            access.policyOf(room);
            // The automatic rooms are reached as their user or client, on the channels they are received on.
            if (RoomNames.USER_NAMESPACE.equals(room.namespace())) {
                type = DeliveryType.USER;
                target = room.id();
            } else if (RoomNames.CLIENT_NAMESPACE.equals(room.namespace())) {
                type = DeliveryType.CLIENT;
                target = room.id();
            }
        }
        List<String> exclude = request.exclude() == null ? List.of() : request.exclude();
        if (exclude.size() > MAX_EXCLUDE) {
            throw RoomcastException.badRequest("exclude lists at most " + MAX_EXCLUDE + " client ids");
        }
        for (String clientId : exclude) {
            if (clientId == null) {
                throw RoomcastException.badRequest("exclude must list client ids");
            }
            InputRules.line(clientId, MAX_CLIENT_ID, "exclude[]");
        }
        return new Envelope(
                node.serverId(),
                type,
                type == DeliveryType.BROADCAST ? null : target,
                request.event(),
                raw(request),
                exclude,
                null,
                null,
                null,
                RoomcastMetrics.nowMicros());
    }

    private String raw(EmitRequest request) {
        if (request.data() == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(request.data());
        } catch (JsonProcessingException e) {
            throw RoomcastException.badRequest("data is not valid JSON");
        }
    }
}
