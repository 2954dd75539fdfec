package dev.roomcast.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.broker.Publisher;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EventNames;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.PublishRequest;
import dev.roomcast.protocol.Sender;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.room.NamespacePolicy;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** {@code publish} (PROTOCOL.md section 3): an ephemeral event to every other client of a joined room, with its sender. */
@ApplicationScoped
class RoomCommands {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final RoomAccess access;
    private final Publisher publisher;
    private final NodeIdentity node;
    private final ServerFrames frames;
    private final Replies replies;

    RoomCommands(RoomAccess access, Publisher publisher, NodeIdentity node, ServerFrames frames, Replies replies) {
        this.access = access;
        this.publisher = publisher;
        this.node = node;
        this.frames = frames;
        this.replies = replies;
    }

    Uni<Void> publish(Session session, ClientFrame frame) {
        PublishRequest request = PublishRequest.from(frame.data());
        RoomName name =
                RoomNames.parse(request.room()).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        if (!EventNames.isEmittable(request.event())) {
            throw RoomcastException.badRequest("event name is malformed or reserved");
        }
        NamespacePolicy policy = access.policyOf(name);
        if (!policy.publish()) {
            throw RoomcastException.forbidden("namespace " + name.namespace() + " does not allow publish");
        }
        if (!session.memberships().isIn(request.room())) {
            throw RoomcastException.forbidden("join " + request.room() + " before publishing to it");
        }
        Envelope envelope = new Envelope(
                node.serverId(),
                DeliveryType.ROOM,
                request.room(),
                request.event(),
                raw(request.data()),
                List.of(session.clientId()),
                new Sender(session.userId(), session.clientId()),
                null,
                frame.traceId(),
                RoomcastMetrics.nowMicros());
        Uni<Void> published = publisher.publish(envelope);
        if (frame.id() == null) {
            // Nobody waits for an answer: the broker counts a failure, and the session moves on to its next frame.
            return DONE;
        }
        // Redis answers on its own thread: the reply (and whatever follows it) belongs on the session's loop.
        return published.emitOn(FrameLoop.current()).invoke(() -> replies.ack(session, frame));
    }

    private String raw(JsonNode value) {
        if (value == null) {
            return null;
        }
        try {
            return frames.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree could not be written back", e);
        }
    }
}
