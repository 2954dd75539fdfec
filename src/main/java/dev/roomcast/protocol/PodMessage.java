package dev.roomcast.protocol;

/**
 * What travels between pods on the Redis channels: an event for recipients ({@link Envelope}), client frames for
 * the pod holding an SSE session ({@link ClientCommand}), and the administration's notices ({@link Disconnect},
 * {@link RevocationNotice}).
 */
public sealed interface PodMessage
        permits Envelope, ClientCommand, Disconnect, RevocationNotice, SessionsQuery, SessionsReply {

    /** The pod (or {@code "emitter"}) that published it. */
    String serverId();

    /** The Redis channel it travels on. */
    String channel();
}
