package dev.roomcast.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roomcast.RoomcastConfig;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.security.InputRules;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chat operations of PROTOCOL.md section 5.1: authorization (member, author, admin), persistence and offsets.
 * <p>
 * Every operation that creates room events locks the room's row first ({@link RoomRepository#findForUpdate}) and takes
 * each event's offset from it in the same transaction that stores the event and its log entry: offsets are 1, 2, 3 ...
 * with no gap (a rolled-back transaction rolls its offsets back) and no duplicate, whichever pod writes. Results carry
 * the events to publish; the caller publishes them only after the commit.
 */
@ApplicationScoped
public class ChatService {

    /** {@code @userId} at the start or after whitespace; a trailing dot is punctuation. */
    private static final Pattern MENTION = Pattern.compile("(?<=^|\\s)@([A-Za-z0-9_.-]*[A-Za-z0-9_-])");

    private static final int MAX_TEXT_CODE_POINTS = 4000;
    private static final int MAX_CLIENT_MSG_ID = 128;
    private static final int MAX_EMOJI_CODE_POINTS = 32;
    /** Retention is applied every this many offsets of a room, not on every event. */
    private static final int PRUNE_EVERY = 100;

    private final RoomRepository rooms;
    private final MemberRepository members;
    private final BanRepository bans;
    private final MessageRepository messages;
    private final ReactionRepository reactions;
    private final RoomEventRepository events;
    private final NotificationRepository notifications;
    private final ChatViews views;
    private final long maxEvents;

    ChatService(
            RoomRepository rooms,
            MemberRepository members,
            BanRepository bans,
            MessageRepository messages,
            ReactionRepository reactions,
            RoomEventRepository events,
            NotificationRepository notifications,
            ChatViews views,
            RoomcastConfig config) {
        this.rooms = rooms;
        this.members = members;
        this.bans = bans;
        this.messages = messages;
        this.reactions = reactions;
        this.events = events;
        this.notifications = notifications;
        this.views = views;
        this.maxEvents = config.history().maxEvents();
    }

    /**
     * {@code message.send}. A repeat of the same {@code clientMsgId} by the same user in the same room returns the
     * original message and creates nothing; a concurrent repeat (another pod) loses on the unique constraint and returns the original too.
     */
    public Uni<ChatOutcome<MessageReply>> send(
            Actor actor, String room, String rawText, String clientMsgId, Long threadId) {
        String text = validText(rawText);
        if (clientMsgId == null
                || clientMsgId.isBlank()
                || clientMsgId.length() > MAX_CLIENT_MSG_ID
                || InputRules.hasControl(clientMsgId, false)) {
            throw RoomcastException.badRequest(
                    "clientMsgId must be 1 to " + MAX_CLIENT_MSG_ID + " characters without control characters");
        }
        return Panache.withTransaction(() -> messages.findByClientMsgId(room, actor.userId(), clientMsgId)
                        .flatMap(existing -> existing != null
                                ? repeated(existing)
                                : create(actor, room, text, clientMsgId, threadId)))
                .onFailure(ChatService::isDuplicateClientMsgId)
                .recoverWithUni(
                        () -> Panache.withSession(() -> messages.findByClientMsgId(room, actor.userId(), clientMsgId)
                                .flatMap(this::repeated)));
    }

    private Uni<ChatOutcome<MessageReply>> repeated(Message original) {
        return withReactions(original).map(message -> ChatOutcome.replyOnly(messageReply(message)));
    }

    private Uni<ChatOutcome<MessageReply>> create(
            Actor actor, String roomName, String text, String clientMsgId, Long threadId) {
        return lockRoomForMember(actor, roomName)
                .flatMap(room -> parentOf(room, threadId).flatMap(parent -> {
                    OffsetDateTime now = now();
                    Message message = new Message();
                    message.room = room.name;
                    message.offset = room.nextOffset();
                    message.userId = actor.userId();
                    message.text = text;
                    message.clientMsgId = clientMsgId;
                    message.threadId = parent == null ? null : parent.id;
                    message.createdAt = now;
                    return messages.persist(message).flatMap(persisted -> {
                        List<PersistedEvent> roomEvents = new ArrayList<>(2);
                        MessageReply created = new MessageReply(views.message(message, Map.of()));
                        roomEvents.add(
                                new PersistedEvent(room.name, message.offset, "message.created", views.json(created)));
                        if (parent != null) {
                            parent.replyCount++;
                            ObjectNode thread =
                                    views.object().put("messageId", parent.id).put("replyCount", parent.replyCount);
                            roomEvents.add(new PersistedEvent(
                                    room.name, room.nextOffset(), "thread.updated", views.json(thread)));
                        }
                        return log(room, roomEvents)
                                .flatMap(ignored -> mentions(room.name, message))
                                .map(userEvents -> new ChatOutcome<>(created, roomEvents, userEvents));
                    });
                }));
    }

    /** {@code message.edit}: the author only. */
    public Uni<ChatOutcome<MessageReply>> edit(Actor actor, long messageId, String rawText) {
        String text = validText(rawText);
        return Panache.withTransaction(() -> lockMessage(actor, messageId, true).flatMap(locked -> {
            Message message = locked.message();
            if (!message.userId.equals(actor.userId())) {
                throw RoomcastException.forbidden("only the author may edit a message");
            }
            message.text = text;
            message.editedAt = now();
            return withReactions(message).flatMap(counts -> {
                MessageReply updated = messageReply(counts);
                return emit(locked.room(), "message.updated", updated);
            });
        }));
    }

    /** {@code message.delete}: the author or an admin. The message stays in history, deleted and empty. */
    public Uni<ChatOutcome<ObjectNode>> delete(Actor actor, long messageId) {
        return Panache.withTransaction(() -> lockMessage(actor, messageId, !actor.admin())
                .flatMap(locked -> {
                    Message message = locked.message();
                    if (!message.userId.equals(actor.userId()) && !actor.admin()) {
                        throw RoomcastException.forbidden("only the author or an admin may delete a message");
                    }
                    message.deleted = true;
                    message.text = "";
                    return emit(locked.room(), "message.deleted", views.object().put("messageId", messageId));
                }));
    }

    /** {@code reaction.add} / {@code reaction.remove}: members. Adding twice or removing what is absent changes nothing. */
    public Uni<ChatOutcome<ObjectNode>> react(Actor actor, long messageId, String emoji, boolean add) {
        String validEmoji = validEmoji(emoji);
        return Panache.withTransaction(() -> lockMessage(actor, messageId, true)
                .flatMap(locked -> reactions
                        .findById(new Reaction.Key(messageId, validEmoji, actor.userId()))
                        .flatMap(existing -> {
                            Uni<Boolean> changed;
                            if (add && existing == null) {
                                Reaction reaction = new Reaction();
                                reaction.messageId = messageId;
                                reaction.emoji = validEmoji;
                                reaction.userId = actor.userId();
                                reaction.createdAt = now();
                                changed = reactions.persist(reaction).replaceWith(true);
                            } else if (!add && existing != null) {
                                changed = reactions.deleteOne(messageId, validEmoji, actor.userId());
                            } else {
                                changed = Uni.createFrom().item(false);
                            }
                            return changed.flatMap(didChange -> reactions
                                    .flush()
                                    .flatMap(ignored -> reactions.count(messageId, validEmoji))
                                    .flatMap(count -> {
                                        ObjectNode reply = views.object()
                                                .put("messageId", messageId)
                                                .put("emoji", validEmoji)
                                                .put("userId", actor.userId())
                                                .put("count", count);
                                        return didChange
                                                ? emit(
                                                        locked.room(),
                                                        add ? "reaction.added" : "reaction.removed",
                                                        reply)
                                                : Uni.createFrom().item(ChatOutcome.replyOnly(reply));
                                    }));
                        })));
    }

    /** {@code message.pin} / {@code message.unpin}: members. Pinning a pinned message changes nothing. */
    public Uni<ChatOutcome<ObjectNode>> pin(Actor actor, long messageId, boolean pinned) {
        return Panache.withTransaction(() -> lockMessage(actor, messageId, true).flatMap(locked -> {
            ObjectNode reply = views.object().put("messageId", messageId);
            if (locked.message().pinned == pinned) {
                return Uni.createFrom().item(ChatOutcome.replyOnly(reply));
            }
            locked.message().pinned = pinned;
            return emit(locked.room(), pinned ? "message.pinned" : "message.unpinned", reply);
        }));
    }

    /**
     * {@code read}: members. The read position only moves forward and never past the room's last offset; the user's
     * sessions learn it (with the new unread count) through {@code read.updated}.
     */
    public Uni<ChatOutcome<ObjectNode>> read(Actor actor, String roomName, long offset) {
        if (offset < 0) {
            throw RoomcastException.badRequest("offset must be 0 or more");
        }
        return Panache.withTransaction(() -> rooms.findById(roomName).flatMap(room -> {
            if (room == null) {
                throw RoomcastException.notFound("room " + roomName + " does not exist");
            }
            requireJoined(actor, roomName);
            // Locked: two reads at once must not move the position backwards.
            return members.findForUpdate(roomName, actor.userId()).flatMap(member -> {
                if (member == null) {
                    throw RoomcastException.forbidden("not a member of " + roomName);
                }
                member.readOffset = Math.max(member.readOffset, Math.min(offset, room.lastOffset));
                return messages.unread(roomName, actor.userId(), member.readOffset)
                        .map(unread -> {
                            ObjectNode reply = views.object()
                                    .put("room", roomName)
                                    .put("offset", member.readOffset)
                                    .put("unread", unread);
                            return new ChatOutcome<>(
                                    reply,
                                    List.of(),
                                    List.of(new UserEvent(actor.userId(), "read.updated", views.json(reply))));
                        });
            });
        }));
    }

    /** Whether the room exists: tells NOT_FOUND from FORBIDDEN for a room the client has not joined. */
    public Uni<Boolean> exists(String room) {
        return Panache.withSession(() -> rooms.findById(room).map(found -> found != null));
    }

    // --- shared steps -----------------------------------------------------------------------------------------

    private Uni<Room> lockRoom(String name) {
        return rooms.findForUpdate(name).map(room -> {
            if (room == null) {
                throw RoomcastException.notFound("room " + name + " does not exist");
            }
            return room;
        });
    }

    /** Locks the room for its next offsets, after checking that the actor has joined it and is a member. */
    private Uni<Room> lockRoomForMember(Actor actor, String name) {
        return lockRoom(name).flatMap(room -> {
            requireJoined(actor, name);
            return members.find(name, actor.userId()).map(member -> {
                if (member == null) {
                    throw RoomcastException.forbidden("not a member of " + name);
                }
                return room;
            });
        });
    }

    private static void requireJoined(Actor actor, String room) {
        if (!actor.hasJoined(room)) {
            throw RoomcastException.forbidden("join " + room + " first");
        }
    }

    /**
     * The message an operation acts on, read only once its room is locked (so that a concurrent delete is seen, not
     * overwritten). It must exist and not be deleted; the actor must have joined the room and, when
     * {@code memberOnly}, be a member.
     */
    private Uni<LockedMessage> lockMessage(Actor actor, long messageId, boolean memberOnly) {
        return messages.roomOf(messageId).flatMap(roomName -> {
            if (roomName == null) {
                throw RoomcastException.notFound("message " + messageId + " does not exist");
            }
            Uni<Room> room = memberOnly
                    ? lockRoomForMember(actor, roomName)
                    : lockRoom(roomName).invoke(locked -> requireJoined(actor, roomName));
            return room.flatMap(locked -> messages.findById(messageId).map(message -> {
                if (message == null || message.deleted) {
                    throw RoomcastException.notFound("message " + messageId + " does not exist");
                }
                return new LockedMessage(locked, message);
            }));
        });
    }

    /** One room event, from a locked room: takes the next offset, stores it and its log entry. */
    private <R> Uni<ChatOutcome<R>> emit(Room room, String event, R data) {
        PersistedEvent persisted = new PersistedEvent(room.name, room.nextOffset(), event, views.json(data));
        return log(room, List.of(persisted)).map(ignored -> new ChatOutcome<>(data, List.of(persisted), List.of()));
    }

    private record LockedMessage(Room room, Message message) {}

    private Uni<Message> parentOf(Room room, Long threadId) {
        if (threadId == null) {
            return Uni.createFrom().nullItem();
        }
        return messages.findById(threadId).map(parent -> {
            if (parent == null || !parent.room.equals(room.name)) {
                throw RoomcastException.notFound("thread " + threadId + " does not exist in " + room.name);
            }
            if (parent.threadId != null) {
                throw RoomcastException.badRequest("a reply cannot start a thread");
            }
            return parent;
        });
    }

    /** Stores the events in the room's log and applies retention now and then. */
    private Uni<Void> log(Room room, List<PersistedEvent> roomEvents) {
        OffsetDateTime now = now();
        List<RoomEvent> entries = new ArrayList<>(roomEvents.size());
        boolean prune = false;
        for (PersistedEvent event : roomEvents) {
            RoomEvent entry = new RoomEvent();
            entry.room = event.room();
            entry.offset = event.offset();
            entry.event = event.event();
            entry.data = event.data();
            entry.createdAt = now;
            entries.add(entry);
            prune |= event.offset() % PRUNE_EVERY == 0;
        }
        Uni<Void> stored = events.persist(entries);
        // By count only, under the room's lock: the age limit is the retention job's, which takes the same lock.
        return prune
                ? stored.flatMap(ignored -> events.pruneBeyond(room.name, room.lastOffset - maxEvents))
                        .replaceWithVoid()
                : stored;
    }

    private Uni<List<UserEvent>> mentions(String room, Message message) {
        Set<String> mentioned = new LinkedHashSet<>();
        Matcher matcher = MENTION.matcher(message.text);
        while (matcher.find()) {
            if (!matcher.group(1).equals(message.userId)) {
                mentioned.add(matcher.group(1));
            }
        }
        if (mentioned.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return members.membersAmong(room, List.copyOf(mentioned)).flatMap(recipients -> {
            if (recipients.isEmpty()) {
                return Uni.createFrom().item(List.<UserEvent>of()); // mentions of non-members are plain text
            }
            List<Notification> stored = new ArrayList<>(recipients.size());
            List<UserEvent> delivered = new ArrayList<>(recipients.size());
            for (String userId : recipients) {
                Notification notification = new Notification();
                notification.userId = userId;
                notification.type = "mention";
                notification.room = room;
                notification.messageId = message.id;
                notification.fromUser = message.userId;
                notification.createdAt = now();
                stored.add(notification);
                ObjectNode data = views.object()
                        .put("type", "mention")
                        .put("room", room)
                        .put("messageId", message.id)
                        .put("from", message.userId);
                delivered.add(new UserEvent(userId, "notification", views.json(data)));
            }
            return notifications.persist(stored).replaceWith(delivered);
        });
    }

    private Uni<Map.Entry<Message, Map<String, Integer>>> withReactions(Message message) {
        return reactions
                .countsFor(List.of(message.id))
                .map(counts -> Map.entry(message, counts.getOrDefault(message.id, Map.of())));
    }

    private MessageReply messageReply(Map.Entry<Message, Map<String, Integer>> message) {
        return new MessageReply(views.message(message.getKey(), message.getValue()));
    }

    static String validText(String raw) {
        String text = raw == null ? "" : raw.strip();
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints < 1 || codePoints > MAX_TEXT_CODE_POINTS) {
            throw RoomcastException.badRequest(
                    "text must be 1 to " + MAX_TEXT_CODE_POINTS + " characters after trimming");
        }
        if (InputRules.hasControl(text, true)) {
            throw RoomcastException.badRequest("text must not hold control characters other than tab and newline");
        }
        return text;
    }

    private static String validEmoji(String emoji) {
        if (emoji == null
                || emoji.isBlank()
                || emoji.codePointCount(0, emoji.length()) > MAX_EMOJI_CODE_POINTS
                || emoji.chars().anyMatch(Character::isWhitespace)
                || InputRules.hasControl(emoji, false)) {
            throw RoomcastException.badRequest(
                    "emoji must be 1 to " + MAX_EMOJI_CODE_POINTS + " characters, no spaces");
        }
        return emoji;
    }

    private static boolean isDuplicateClientMsgId(Throwable failure) {
        return Constraints.violated(failure, "messages_client_msg_id");
    }

    /** Now, at the precision PostgreSQL keeps, so that a message reads the same live and from history. */
    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
