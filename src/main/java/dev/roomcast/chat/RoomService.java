package dev.roomcast.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roomcast.RoomcastConfig;
import dev.roomcast.RoomcastConfig.JoinRule;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.protocol.EventNames;
import dev.roomcast.room.NamespacePolicy;
import dev.roomcast.room.RoomAccess;
import dev.roomcast.room.RoomName;
import dev.roomcast.room.RoomNames;
import dev.roomcast.security.InputRules;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * Rooms and who is in them (PROTOCOL.md 5.2 and section 6): create, read, update, delete, members, bans. Structural
 * changes are signals: {@code room.updated} / {@code room.deleted} to the room (persisted, with offsets), and
 * {@code member.added} / {@code member.removed} to the affected user, whose sessions leave the room on every pod.
 */
@ApplicationScoped
public class RoomService {

    private static final char[] EPOCH_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int MAX_TITLE = 200;

    private final RoomRepository rooms;
    private final MemberRepository members;
    private final BanRepository bans;
    private final RoomEventRepository events;
    private final RoomAccess access;
    private final ChatViews views;
    private final SecureRandom random = new SecureRandom();
    private final int maxRoomsPerUser;

    RoomService(
            RoomRepository rooms,
            MemberRepository members,
            BanRepository bans,
            RoomEventRepository events,
            RoomAccess access,
            ChatViews views,
            RoomcastConfig config) {
        this.rooms = rooms;
        this.members = members;
        this.bans = bans;
        this.events = events;
        this.access = access;
        this.views = views;
        this.maxRoomsPerUser = config.maxRoomsPerUser();
    }

    /**
     * Creates a room of a members-only namespace with history ({@code chat:}); the caller becomes owner and member. A
     * user owns at most {@code roomcast.max-rooms-per-user} rooms (403 {@code LIMIT_EXCEEDED}).
     */
    public Uni<RoomView> create(Actor actor, String name, String title) {
        RoomName room = RoomNames.parse(name).orElseThrow(() -> RoomcastException.badRequest("malformed room name"));
        NamespacePolicy policy = access.policyOf(room);
        if (!policy.history() || policy.join() != JoinRule.MEMBERS) {
            throw RoomcastException.badRequest(
                    "rooms are created in namespaces with history and members, such as chat:");
        }
        String validTitle = validTitle(title);
        return Panache.withTransaction(() -> rooms.countOwnedLocked(actor.userId())
                        .flatMap(owned -> {
                            if (owned >= maxRoomsPerUser) {
                                throw new RoomcastException(
                                        ErrorCode.LIMIT_EXCEEDED,
                                        "a user may own at most " + maxRoomsPerUser + " rooms",
                                        Map.of(),
                                        403);
                            }
                            return rooms.findById(name);
                        })
                        .flatMap(existing -> {
                            if (existing != null) {
                                throw new RoomcastException(ErrorCode.CONFLICT, "room " + name + " exists");
                            }
                            Room created = new Room();
                            created.name = name;
                            created.title = validTitle;
                            created.ownerId = actor.userId();
                            created.epoch = newEpoch();
                            created.createdAt = ChatService.now();
                            created.updatedAt = created.createdAt;
                            RoomMember owner = new RoomMember();
                            owner.room = name;
                            owner.userId = actor.userId();
                            owner.joinedAt = created.createdAt;
                            return rooms.persist(created)
                                    .flatMap(ignored -> members.persist(owner))
                                    .map(ignored -> views.room(created));
                        }))
                .onFailure(failure -> Constraints.violated(failure, "rooms_pkey"))
                .transform(failure -> new RoomcastException(
                        ErrorCode.CONFLICT, "room " + name + " exists")); // created at the same moment
    }

    /** The caller's rooms, each with its unread count. */
    public Uni<RoomList> roomsOf(Actor actor) {
        return Panache.withSession(() -> rooms.getSession()
                        .flatMap(session -> session.createSelectionQuery(
                                        "select r, (select count(m) from Message m where m.room = r.name and m.offset > mem.readOffset "
                                                + "and m.userId <> :user and m.deleted = false) "
                                                + "from Room r, RoomMember mem where mem.room = r.name and mem.userId = :user order by r.name",
                                        Object[].class)
                                .setParameter("user", actor.userId())
                                .getResultList()))
                .map(rows -> new RoomList(rows.stream()
                        .map(row -> RoomSummary.of((Room) row[0], (Long) row[1]))
                        .toList()));
    }

    /** A room, for its members (and admins): 404 when it does not exist, 403 when the caller may not see it. */
    public Uni<RoomView> get(Actor actor, String name) {
        return Panache.withSession(() -> visible(actor, name)).map(views::room);
    }

    /** Sets the title (owner, admin) and signals {@code room.updated}. */
    public Uni<ChatOutcome<RoomView>> update(Actor actor, String name, String title) {
        String validTitle = validTitle(title);
        return Panache.withTransaction(() -> ownedForUpdate(actor, name).flatMap(room -> {
            room.title = validTitle;
            room.updatedAt = ChatService.now();
            return signal(room, "room.updated")
                    .map(outcome -> new ChatOutcome<>(views.room(room), outcome.roomEvents(), List.of()));
        }));
    }

    /** Deletes the room (owner, admin): {@code room.deleted} to its members, who leave it on every pod. */
    public Uni<ChatOutcome<ObjectNode>> delete(Actor actor, String name) {
        return Panache.withTransaction(() -> ownedForUpdate(actor, name).flatMap(room -> {
            long offset = room.nextOffset();
            String data = views.json(views.object().put("room", name));
            PersistedEvent deleted = new PersistedEvent(name, offset, EventNames.ROOM_DELETED, data);
            // The room's rows go with it (members, messages, log); the signal is delivered live only.
            // A statement, not the entity's removal (see ReactionRepository.deleteOne).
            return rooms.delete("name", name)
                    .map(ignored -> new ChatOutcome<>(views.object(), List.of(deleted), List.of()));
        }));
    }

    /** Adds a member (owner, admin); a banned user cannot be added. The user learns it by {@code member.added}. */
    public Uni<ChatOutcome<ObjectNode>> addMember(Actor actor, String name, String userId) {
        return Panache.withTransaction(() -> ownedForUpdate(actor, name)
                .flatMap(room -> bans.isBanned(name, userId).flatMap(banned -> {
                    if (banned) {
                        throw RoomcastException.forbidden(userId + " is banned from " + name);
                    }
                    return members.find(name, userId).flatMap(existing -> {
                        if (existing != null) {
                            return Uni.createFrom().item(ChatOutcome.replyOnly(views.object()));
                        }
                        RoomMember member = new RoomMember();
                        member.room = name;
                        member.userId = userId;
                        member.joinedAt = ChatService.now();
                        return members.persist(member)
                                .map(ignored -> new ChatOutcome<>(
                                        views.object(),
                                        List.of(),
                                        List.of(new UserEvent(
                                                userId,
                                                "member.added",
                                                views.json(views.object().put("room", name))))));
                    });
                })));
    }

    /** Removes a member: oneself (reason {@code left}) or, by the owner or an admin, anyone ({@code kicked}). */
    public Uni<ChatOutcome<ObjectNode>> removeMember(Actor actor, String name, String userId) {
        boolean self = actor.userId().equals(userId);
        return Panache.withTransaction(() -> (self ? existingForUpdate(name) : ownedForUpdate(actor, name))
                .flatMap(room -> members.delete("room = ?1 and userId = ?2", name, userId)
                        .map(deleted -> {
                            if (deleted == 0) {
                                throw RoomcastException.notFound(userId + " is not a member of " + name);
                            }
                            return removed(name, userId, self ? "left" : "kicked");
                        })));
    }

    /** Bans (owner, admin): the user is removed at once and cannot rejoin or be added until unbanned. */
    public Uni<ChatOutcome<ObjectNode>> ban(Actor actor, String name, String userId) {
        return Panache.withTransaction(() -> ownedForUpdate(actor, name)
                .flatMap(room -> bans.isBanned(name, userId).flatMap(alreadyBanned -> {
                    if (alreadyBanned) {
                        return Uni.createFrom().item(ChatOutcome.replyOnly(views.object()));
                    }
                    RoomBan ban = new RoomBan();
                    ban.room = name;
                    ban.userId = userId;
                    ban.bannedBy = actor.userId();
                    ban.bannedAt = ChatService.now();
                    return bans.persist(ban)
                            .flatMap(ignored -> members.delete("room = ?1 and userId = ?2", name, userId))
                            .map(ignored -> removed(name, userId, "banned"));
                })));
    }

    public Uni<Void> unban(Actor actor, String name, String userId) {
        return Panache.withTransaction(() -> ownedForUpdate(actor, name)
                .flatMap(room -> bans.delete("room = ?1 and userId = ?2", name, userId))
                .replaceWithVoid());
    }

    // --- shared steps -----------------------------------------------------------------------------------------

    private ChatOutcome<ObjectNode> removed(String room, String userId, String reason) {
        String data = views.json(views.object().put("room", room).put("reason", reason));
        return new ChatOutcome<>(
                views.object(),
                List.of(),
                List.of(new UserEvent(userId, "member.removed", data, room, "banned".equals(reason))));
    }

    private Uni<ChatOutcome<ObjectNode>> signal(Room room, String event) {
        PersistedEvent signal = new PersistedEvent(
                room.name, room.nextOffset(), event, views.json(views.object().put("room", room.name)));
        RoomEvent entry = new RoomEvent();
        entry.room = signal.room();
        entry.offset = signal.offset();
        entry.event = signal.event();
        entry.data = signal.data();
        entry.createdAt = ChatService.now();
        return events.persist(entry).map(ignored -> new ChatOutcome<>(views.object(), List.of(signal), List.of()));
    }

    private Uni<Room> existing(String name) {
        return rooms.findById(name).map(room -> {
            if (room == null) {
                throw RoomcastException.notFound("room " + name + " does not exist");
            }
            return room;
        });
    }

    /** The room, if the caller may see it: a member or an admin. */
    private Uni<Room> visible(Actor actor, String name) {
        return existing(name)
                .flatMap(room -> actor.admin()
                        ? Uni.createFrom().item(room)
                        : members.find(name, actor.userId()).map(member -> {
                            if (member == null) {
                                throw RoomcastException.forbidden("not a member of " + name);
                            }
                            return room;
                        }));
    }

    /**
     * The room, locked, if the caller owns it or is an admin. Every change to a room's members, bans or events takes
     * this lock first, so concurrent changes of one room queue rather than race (two adds of one user, an add
     * crossing a ban).
     */
    private Uni<Room> ownedForUpdate(Actor actor, String name) {
        return existingForUpdate(name).map(room -> requireOwner(actor, room));
    }

    private Uni<Room> existingForUpdate(String name) {
        return rooms.findForUpdate(name).map(room -> {
            if (room == null) {
                throw RoomcastException.notFound("room " + name + " does not exist");
            }
            return room;
        });
    }

    private static Room requireOwner(Actor actor, Room room) {
        if (!actor.admin() && !room.ownerId.equals(actor.userId())) {
            throw RoomcastException.forbidden("only the owner of " + room.name + " or an admin may do this");
        }
        return room;
    }

    private static String validTitle(String title) {
        if (title == null) {
            return null;
        }
        String trimmed = InputRules.line(title.strip(), MAX_TITLE, "title");
        return trimmed.isEmpty() ? null : trimmed;
    }

    private String newEpoch() {
        char[] epoch = new char[12];
        for (int i = 0; i < epoch.length; i++) {
            epoch[i] = EPOCH_ALPHABET[random.nextInt(EPOCH_ALPHABET.length)];
        }
        return new String(epoch);
    }
}
