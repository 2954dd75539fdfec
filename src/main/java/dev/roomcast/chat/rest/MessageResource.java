package dev.roomcast.chat.rest;

import dev.roomcast.chat.ChatPublisher;
import dev.roomcast.chat.ChatService;
import dev.roomcast.chat.MessagePage;
import dev.roomcast.chat.MessageQueries;
import dev.roomcast.chat.MessageReply;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.rest.Caller;
import dev.roomcast.rest.QueryNumbers;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A room's messages: history pages, sending, threads (PROTOCOL.md section 6). */
@Path("/api/rooms/{room}/messages")
@Authenticated
@Tag(name = "messages")
@SecurityRequirement(name = "jwt")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "Not a member")
@APIResponse(responseCode = "404", description = "No such room (or message)")
public class MessageResource {

    private final MessageQueries queries;
    private final ChatService chat;
    private final ChatPublisher publisher;
    private final Caller caller;

    MessageResource(MessageQueries queries, ChatService chat, ChatPublisher publisher, Caller caller) {
        this.queries = queries;
        this.chat = chat;
        this.publisher = publisher;
        this.caller = caller;
    }

    @GET
    @Operation(
            summary = "A page of history, ascending by offset",
            description =
                    "before = the limit messages just below it; after = the first limit above it; neither = the latest. "
                            + "hasMore: more exist beyond the page in the paging direction. Replies are included (with threadId); "
                            + "deleted messages too, with deleted:true and empty text.")
    @APIResponse(responseCode = "200", description = "The page")
    @APIResponse(responseCode = "400", description = "limit outside 1..200, or both before and after")
    public Uni<MessagePage> page(
            @PathParam("room") String room,
            @Parameter(description = "An offset: the page ends just below it") @QueryParam("before") String before,
            @Parameter(description = "An offset: the page starts just above it") @QueryParam("after") String after,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit) {
        return queries.page(
                caller.actor(),
                room,
                QueryNumbers.number("before", before),
                QueryNumbers.number("after", after),
                QueryNumbers.limit(limit));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send a message, as with message.send (same idempotency, same broadcast)")
    @APIResponse(
            responseCode = "201",
            description = "Sent",
            content = @Content(schema = @Schema(implementation = MessageReply.class)))
    @APIResponse(
            responseCode = "200",
            description = "A repeat of a clientMsgId: the original",
            content = @Content(schema = @Schema(implementation = MessageReply.class)))
    @APIResponse(responseCode = "400", description = "Bad text, clientMsgId or thread")
    public Uni<Response> send(@PathParam("room") String room, RoomRequests.SendMessage body) {
        if (body == null) {
            throw RoomcastException.badRequest("a JSON body is required");
        }
        return chat.send(caller.actor(), room, body.text(), body.clientMsgId(), body.threadId())
                .call(outcome -> publisher.publish(outcome, null))
                .map(outcome -> Response.status(
                                outcome.roomEvents().isEmpty() ? Response.Status.OK : Response.Status.CREATED)
                        .entity(outcome.reply())
                        .build());
    }

    @GET
    @Path("/{id}/thread")
    @Operation(summary = "A page of a thread's replies, ascending: the first limit above after")
    @APIResponse(responseCode = "200", description = "The page")
    @APIResponse(responseCode = "400", description = "limit outside 1..200, or a malformed offset")
    public Uni<MessagePage> thread(
            @PathParam("room") String room,
            @PathParam("id") String id,
            @Parameter(description = "An offset: the page starts just above it") @QueryParam("after") String after,
            @Parameter(description = "1 to 200, default 50") @QueryParam("limit") String limit) {
        // The id's digits were checked before the request got here (RequestRules): a 400, not JAX-RS's 404.
        return queries.thread(
                caller.actor(),
                room,
                Long.parseLong(id),
                QueryNumbers.number("after", after),
                QueryNumbers.limit(limit));
    }
}
