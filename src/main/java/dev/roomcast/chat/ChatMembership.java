package dev.roomcast.chat;

import dev.roomcast.error.RoomcastException;
import dev.roomcast.room.RoomMembership;
import dev.roomcast.room.RoomName;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Who may join a {@code chat:} room: its members, unless banned; admins always (to moderate: a ban never applies to an
 * admin). A room that does not exist is NOT_FOUND.
 */
@ApplicationScoped
public class ChatMembership implements RoomMembership {

    private final RoomRepository rooms;
    private final MemberRepository members;
    private final BanRepository bans;

    ChatMembership(RoomRepository rooms, MemberRepository members, BanRepository bans) {
        this.rooms = rooms;
        this.members = members;
        this.bans = bans;
    }

    @Override
    public Uni<Void> checkMember(String userId, boolean admin, RoomName room) {
        return Panache.withSession(() -> requireAllowed(userId, admin, room.full()))
                .replaceWithVoid();
    }

    /** The room, if the user may be in it; within the caller's session. */
    Uni<Room> requireAllowed(String userId, boolean admin, String room) {
        return rooms.findById(room).flatMap(found -> {
            if (found == null) {
                throw RoomcastException.notFound("room " + room + " does not exist");
            }
            if (admin) {
                return Uni.createFrom().item(found);
            }
            return bans.isBanned(room, userId).flatMap(banned -> {
                if (banned) {
                    throw RoomcastException.forbidden("banned from " + room);
                }
                return members.find(room, userId).map(member -> {
                    if (member == null) {
                        throw RoomcastException.forbidden("not a member of " + room);
                    }
                    return found;
                });
            });
        });
    }
}
