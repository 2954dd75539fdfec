package dev.roomcast.room;

import dev.roomcast.error.RoomcastException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/** Decides whether a user may join a room, from the room's namespace policy. */
@ApplicationScoped
public class RoomAccess {

    private static final Uni<Void> ALLOWED = Uni.createFrom().voidItem();

    private final Namespaces namespaces;
    private final Instance<RoomMembership> membership;

    RoomAccess(Namespaces namespaces, Instance<RoomMembership> membership) {
        this.namespaces = namespaces;
        this.membership = membership;
    }

    /**
     * @param ownUserId the joining user's id
     * @param ownClientId the joining connection's id, for its automatic {@code client:} room
     */
    public Uni<Void> checkJoin(
            NamespacePolicy policy, RoomName room, String ownUserId, String ownClientId, boolean admin) {
        if (policy.automatic()) {
            String own = RoomNames.USER_NAMESPACE.equals(policy.name()) ? ownUserId : ownClientId;
            return own.equals(room.id())
                    ? ALLOWED
                    : Uni.createFrom()
                            .failure(RoomcastException.forbidden("automatic rooms of others cannot be joined"));
        }
        return switch (policy.join()) {
            case ANY -> ALLOWED;
            case MEMBERS ->
                membership.isResolvable()
                        ? membership.get().checkMember(ownUserId, admin, room)
                        // No service keeps rooms in this build, so no such room can exist.
                        : Uni.createFrom().failure(RoomcastException.notFound("room " + room + " does not exist"));
        };
    }

    /** @return the namespace's policy, or fails with {@code NOT_FOUND} */
    public NamespacePolicy policyOf(RoomName room) {
        NamespacePolicy policy = namespaces.find(room.namespace());
        if (policy == null) {
            throw RoomcastException.notFound("unknown namespace " + room.namespace());
        }
        return policy;
    }
}
