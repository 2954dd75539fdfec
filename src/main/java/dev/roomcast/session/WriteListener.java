package dev.roomcast.session;

/**
 * Hears how each write a session handed to its transport ended, in the order the writes were made. One listener per
 * session, bound once, so that a write allocates no callback.
 */
public interface WriteListener {

    /** The oldest outstanding write reached the socket. */
    void written();

    /** The oldest outstanding write failed: the transport is closing. */
    void failed(Throwable cause);
}
