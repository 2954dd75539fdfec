package dev.roomcast.session;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.roomcast.broker.Broker;
import dev.roomcast.broker.DeliveryType;
import dev.roomcast.broker.Envelope;
import dev.roomcast.chat.Actor;
import dev.roomcast.chat.ChatOutcome;
import dev.roomcast.chat.ChatPublisher;
import dev.roomcast.chat.ChatService;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.node.NodeIdentity;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.room.NamespacePolicy;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import dev.roomcast.transport.ClientFrame;
import dev.roomcast.transport.ServerFrames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The chat events of PROTOCOL.md section 5.1 on a session: reads the frame, checks that the room is joined (with
 * NOT_FOUND for a room that does not exist), has {@link ChatService} do the work, publishes what was committed, and
 * acks on the session's event loop. {@code typing} is ephemeral: no storage, straight to the room's other clients.
 */
@ApplicationScoped
public class ChatCommands {

    private static final Uni<Void> DONE = Uni.createFrom().voidItem();

    private final ChatService chat;
    private final ChatPublisher publisher;
    private final RoomAccess access;
    private final JoinedRooms joined;
    private final Broker broker;
    private final NodeIdentity node;
    private final ServerFrames frames;

    ChatCommands(ChatService chat, ChatPublisher publisher, RoomAccess access, JoinedRooms joined, Broker broker,
            NodeIdentity node, ServerFrames frames) {
        this.chat = chat;
        this.joined = joined;
        this.publisher = publisher;
        this.access = access;
        this.broker = broker;
        this.node = node;
        this.frames = frames;
    }

    Uni<Void> send(Session session, ClientFrame frame) {
        JsonNode data = frame.data();
        String room = Fields.requiredText(data, "room");
        String text = Fields.requiredText(data, "text");
        String clientMsgId = Fields.requiredText(data, "clientMsgId");
        Long threadId = Fields.optionalId(data, "threadId");
        return joinedChatRoom(session, room).chain(() -> run(session, frame,
                chat.send(actor(session), room, text, clientMsgId, threadId)));
    }

    Uni<Void> edit(Session session, ClientFrame frame) {
        long messageId = Fields.requiredId(frame.data(), "messageId");
        String text = Fields.requiredText(frame.data(), "text");
        return run(session, frame, chat.edit(actor(session), messageId, text));
    }

    Uni<Void> delete(Session session, ClientFrame frame) {
        return run(session, frame, chat.delete(actor(session), Fields.requiredId(frame.data(), "messageId")));
    }

    Uni<Void> react(Session session, ClientFrame frame, boolean add) {
        long messageId = Fields.requiredId(frame.data(), "messageId");
        String emoji = Fields.requiredText(frame.data(), "emoji");
        return run(session, frame, chat.react(actor(session), messageId, emoji, add));
    }

    Uni<Void> pin(Session session, ClientFrame frame, boolean pinned) {
        return run(session, frame, chat.pin(actor(session), Fields.requiredId(frame.data(), "messageId"), pinned));
    }

    Uni<Void> read(Session session, ClientFrame frame) {
        String room = Fields.requiredText(frame.data(), "room");
        long offset = Fields.requiredId(frame.data(), "offset");
        return joinedChatRoom(session, room).chain(() -> run(session, frame, chat.read(actor(session), room, offset)));
    }

    /** {@code typing}: to every other client of the room, not stored, no offset. */
    Uni<Void> typing(Session session, ClientFrame frame) {
        String room = Fields.requiredText(frame.data(), "room");
        JsonNode isTyping = frame.data().get("isTyping");
        if (isTyping == null || !isTyping.isBoolean()) {
            throw RoomcastException.badRequest("data.isTyping must be a boolean");
        }
        RoomName name = RoomNames.parse(room).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        NamespacePolicy policy = access.policyOf(name);
        if (policy.automatic()) {
            throw RoomcastException.forbidden("no typing in automatic rooms");
        }
        return joined.require(session, room).invoke(() -> {
            broker.publish(new Envelope(node.serverId(), DeliveryType.ROOM, room, "typing",
                    typingData(session.userId(), isTyping.booleanValue()), List.of(session.clientId()), null, null,
                    frame.traceId(), RoomcastMetrics.nowMicros()));
            ack(session, frame, frames.mapper().createObjectNode());
        });
    }

    private String typingData(String userId, boolean isTyping) {
        return frames.mapper().createObjectNode().put("userId", userId).put("isTyping", isTyping).toString();
    }

    /** Runs a chat operation, publishes what it committed, and acks with its reply on the session's loop. */
    private Uni<Void> run(Session session, ClientFrame frame, Uni<ChatOutcome> operation) {
        return operation
                .call(outcome -> publisher.publish(outcome, frame.traceId()))
                .emitOn(FrameLoop.current())
                .invoke(outcome -> ack(session, frame, outcome.reply()))
                .replaceWithVoid();
    }

    /** A {@code chat}-like room (with history) that the session has joined; NOT_FOUND when it does not exist. */
    private Uni<Void> joinedChatRoom(Session session, String room) {
        RoomName name = RoomNames.parse(room).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        if (!access.policyOf(name).history()) {
            throw RoomcastException.forbidden("chat events need a room with history, not " + name.namespace());
        }
        return joined.require(session, room);
    }

    private Actor actor(Session session) {
        return new Actor(session.userId(), session.isAdmin(), session.memberships().joinedRoomNames());
    }

    private void ack(Session session, ClientFrame frame, JsonNode data) {
        if (frame.id() != null) {
            session.reply(frames.ack(frame.id(), frame.traceId(), data));
        }
    }
}
