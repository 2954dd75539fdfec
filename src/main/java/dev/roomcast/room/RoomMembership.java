package dev.roomcast.room;

import io.smallrye.mutiny.Uni;

/**
 * The hook through which namespaces with {@code join=members} (the {@code chat} namespace) decide who may join:
 * implemented by the service that keeps rooms and their members. The Uni fails with {@code NOT_FOUND} when the
 * room does not exist and {@code FORBIDDEN} when the user may not join it.
 */
public interface RoomMembership {

    Uni<Void> checkMember(String userId, boolean admin, RoomName room);
}
