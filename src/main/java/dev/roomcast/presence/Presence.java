package dev.roomcast.presence;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Who is online, per room and per user, counted in clients across every pod (PROTOCOL.md section 4). The hub reports
 * each client's comings and goings on this pod; the implementation keeps the counts and announces a user's first
 * client in a room ({@code presence.join}) and last one leaving it ({@code presence.leave}) to the room, once across
 * the cluster. Reports never block and never fail: a backend that cannot be reached catches up once it can.
 */
public interface Presence {

    /** Begins keeping presence (for Redis: the pod's lease). */
    void start();

    /** Takes this pod's clients out of presence now, rather than when its lease would end. */
    Uni<Void> stop();

    /** A client of the user is now in the room (its join was acknowledged). */
    void joined(String room, String userId);

    /** A client of the user left the room (leave, kick, disconnect). */
    void left(String room, String userId);

    /**
     * A client of the user is authenticating: counts it, unless the user already holds {@code max} connections across
     * every pod. Completes with whether it was counted; when it was, {@link #disconnected} must follow once it ends.
     */
    Uni<Boolean> admit(String userId, int max);

    /** An admitted client of the user ended. */
    void disconnected(String userId);

    /** The users present in the room, in no particular order. */
    Uni<List<PresentUser>> inRoom(String room);

    Uni<UserPresence> ofUser(String userId);

    /** This pod's figures for the nodes listing (PROTOCOL.md section 12, JSON); they count while the pod lives. */
    Uni<Void> describe(String figures);

    /** The latest figures of every live pod, this one's included (JSON). */
    Uni<List<String>> nodes();
}
