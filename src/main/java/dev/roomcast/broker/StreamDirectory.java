package dev.roomcast.broker;

import io.smallrye.mutiny.Uni;

/**
 * Which user each SSE session of the cluster belongs to (PROTOCOL.md section 11): a POST may reach any pod, and the pod
 * that does not hold the session must still answer 404 for an unknown one and 403 for another user's before it
 * forwards the frames.
 */
public interface StreamDirectory {

    /** This pod holds the session from now on. */
    void held(String clientId, String userId);

    /** The session ended. */
    void released(String clientId);

    /**
     * The user of a session another pod holds.
     *
     * @return the user id, or null when no pod holds such a session; fails when the directory cannot be read
     */
    Uni<String> userOf(String clientId);
}
