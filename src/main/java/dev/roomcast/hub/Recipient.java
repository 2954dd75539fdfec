package dev.roomcast.hub;

/**
 * What the hub needs of a connection: where to write, whether it may receive broadcasts, and its room
 * memberships. Implemented by the session; every method is called on the connection's event loop.
 */
public interface Recipient {

    String clientId();

    /** The authenticated user's id (null before authentication). */
    String userId();

    /** Whether the connection's token carries the admin role. */
    boolean isAdmin();

    /** Authenticated connections receive broadcasts; unauthenticated ones receive nothing but replies. */
    boolean isAuthenticated();

    /**
     * Writes an already-encoded event. Never blocks; a closed socket drops it. A connection that does not read fast
     * enough drops ephemeral events and is closed (4008) rather than delay a persisted one.
     *
     * @param persisted whether the event has an offset (and must not be dropped)
     */
    void write(String frame, boolean persisted);

    /**
     * Counts a live event kept for this connection while it joins the room, as {@link #write} would count it.
     *
     * @return whether to keep it (false: dropped, or the connection is being closed for it)
     */
    boolean hold(int size, boolean persisted);

    /** Kept events of this size were written or dropped: they no longer count as held. */
    void unhold(int size);

    Memberships memberships();

    /** The shard (event loop) this connection lives on. */
    HubShard shard();

    /**
     * Shutdown: writes the already-encoded {@code reconnect} frame now and closes with 1001 after
     * {@code closeAfterMillis}, so that the client keeps receiving until it is told to go.
     */
    void goAway(String reconnectFrame, long closeAfterMillis);

    /**
     * Periodic check from the shard's sweep (timeouts, token expiry).
     *
     * @param nowNanos {@link System#nanoTime()}
     * @param nowEpochSecond wall-clock seconds, for token expiry
     */
    void tick(long nowNanos, long nowEpochSecond);
}
