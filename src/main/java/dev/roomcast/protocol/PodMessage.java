package dev.roomcast.protocol;

/**
 * What travels between pods on the Redis channels: an event for recipients ({@link Envelope}), or client frames for
 * the pod holding an SSE session ({@link ClientCommand}).
 */
public sealed interface PodMessage permits Envelope, ClientCommand {

    /** The pod (or {@code "emitter"}) that published it. */
    String serverId();

    /** The Redis channel it travels on. */
    String channel();
}
