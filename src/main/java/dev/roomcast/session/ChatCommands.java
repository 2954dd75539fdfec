package dev.roomcast.session;

import dev.roomcast.broker.Publisher;
import dev.roomcast.chat.Actor;
import dev.roomcast.chat.ChatOutcome;
import dev.roomcast.chat.ChatPublisher;
import dev.roomcast.chat.ChatService;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.ClientFrame;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.EditRequest;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.MessageRequest;
import dev.roomcast.protocol.NodeIdentity;
import dev.roomcast.protocol.ReactionRequest;
import dev.roomcast.protocol.ReadRequest;
import dev.roomcast.protocol.SendRequest;
import dev.roomcast.protocol.ServerFrames;
import dev.roomcast.protocol.TypingRequest;
import dev.roomcast.room.NamespacePolicy;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The chat events of PROTOCOL.md section 5.1 on a session: reads the frame, checks that the room is joined (with
 * NOT_FOUND for a room that does not exist), has {@link ChatService} do the work, publishes what was committed, and
 * acks on the session's event loop. {@code typing} is ephemeral: no storage, straight to the room's other clients.
 */
@ApplicationScoped
class ChatCommands {

    private final ChatService chat;
    private final ChatPublisher publisher;
    private final RoomAccess access;
    private final JoinedRooms joined;
    private final Publisher events;
    private final NodeIdentity node;
    private final ServerFrames frames;
    private final Replies replies;

    ChatCommands(
            ChatService chat,
            ChatPublisher publisher,
            RoomAccess access,
            JoinedRooms joined,
            Publisher events,
            NodeIdentity node,
            ServerFrames frames,
            Replies replies) {
        this.chat = chat;
        this.joined = joined;
        this.publisher = publisher;
        this.access = access;
        this.events = events;
        this.node = node;
        this.frames = frames;
        this.replies = replies;
    }

    Uni<Void> send(Session session, ClientFrame frame) {
        SendRequest request = SendRequest.from(frame.data());
        return joinedChatRoom(session, request.room())
                .chain(() -> run(
                        session,
                        frame,
                        chat.send(
                                actor(session),
                                request.room(),
                                request.text(),
                                request.clientMsgId(),
                                request.threadId())));
    }

    Uni<Void> edit(Session session, ClientFrame frame) {
        EditRequest request = EditRequest.from(frame.data());
        return run(session, frame, chat.edit(actor(session), request.messageId(), request.text()));
    }

    Uni<Void> delete(Session session, ClientFrame frame) {
        return run(
                session,
                frame,
                chat.delete(actor(session), MessageRequest.from(frame.data()).messageId()));
    }

    Uni<Void> react(Session session, ClientFrame frame, boolean add) {
        ReactionRequest request = ReactionRequest.from(frame.data());
        return run(session, frame, chat.react(actor(session), request.messageId(), request.emoji(), add));
    }

    Uni<Void> pin(Session session, ClientFrame frame, boolean pinned) {
        return run(
                session,
                frame,
                chat.pin(actor(session), MessageRequest.from(frame.data()).messageId(), pinned));
    }

    Uni<Void> read(Session session, ClientFrame frame) {
        ReadRequest request = ReadRequest.from(frame.data());
        return joinedChatRoom(session, request.room())
                .chain(() -> run(session, frame, chat.read(actor(session), request.room(), request.offset())));
    }

    /** {@code typing}: to every other client of the room, not stored, no offset. */
    Uni<Void> typing(Session session, ClientFrame frame) {
        TypingRequest request = TypingRequest.from(frame.data());
        String room = request.room();
        RoomName name = RoomNames.parse(room).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        NamespacePolicy policy = access.policyOf(name);
        if (policy.automatic()) {
            throw RoomcastException.forbidden("no typing in automatic rooms");
        }
        return joined.require(session, room).invoke(() -> {
            events.publish(new Envelope(
                    node.serverId(),
                    DeliveryType.ROOM,
                    room,
                    "typing",
                    typingData(session.userId(), request.isTyping()),
                    List.of(session.clientId()),
                    null,
                    null,
                    frame.traceId(),
                    RoomcastMetrics.nowMicros()));
            replies.ack(session, frame);
        });
    }

    private String typingData(String userId, boolean isTyping) {
        return frames.mapper()
                .createObjectNode()
                .put("userId", userId)
                .put("isTyping", isTyping)
                .toString();
    }

    /** Runs a chat operation, publishes what it committed, and acks with its reply on the session's loop. */
    private Uni<Void> run(Session session, ClientFrame frame, Uni<? extends ChatOutcome<?>> operation) {
        return operation
                .call(outcome -> publisher.publish(outcome, frame.traceId()))
                .emitOn(FrameLoop.current())
                .invoke(outcome -> replies.ack(session, frame, outcome.reply()))
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
        return new Actor(
                session.userId(), session.isAdmin(), session.memberships().joinedRoomNames());
    }
}
