package dev.roomcast.chat;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;

/** Room memberships and read positions. */
@ApplicationScoped
public class MemberRepository implements PanacheRepositoryBase<RoomMember, MemberKey> {

    public Uni<RoomMember> find(String room, String userId) {
        return findById(new MemberKey(room, userId));
    }

    /** The membership with its row locked until the transaction ends: read positions move under this lock. */
    public Uni<RoomMember> findForUpdate(String room, String userId) {
        return findById(new MemberKey(room, userId), LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<List<RoomMember>> roomsOf(String userId) {
        return list("userId = ?1 order by room", userId);
    }

    /** Which of these users are members of the room (for mentions). */
    public Uni<List<String>> membersAmong(String room, List<String> userIds) {
        return getSession()
                .flatMap(session -> session.createSelectionQuery(
                                "select m.userId from RoomMember m where m.room = :room and m.userId in :users",
                                String.class)
                        .setParameter("room", room)
                        .setParameter("users", userIds)
                        .getResultList());
    }
}
