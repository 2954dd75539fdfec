package dev.roomcast.protocol;

/**
 * A frame that could not be read as a client frame. Carries the {@code id} and {@code event} when they could
 * still be read, so the error reply can name them.
 */
public final class FrameDecodeException extends Exception {

    private final String id;
    private final String event;

    FrameDecodeException(String message, String id, String event) {
        super(message, null, false, false);
        this.id = id;
        this.event = event;
    }

    public String id() {
        return id;
    }

    public String event() {
        return event;
    }
}
