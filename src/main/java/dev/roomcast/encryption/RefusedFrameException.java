package dev.roomcast.encryption;

/** An {@code encrypted} frame refused: a bad or replayed IV, a ciphertext that does not decrypt. {@code BAD_REQUEST}. */
public final class RefusedFrameException extends RuntimeException {

    public RefusedFrameException(String message) {
        super(message, null, false, false);
    }
}
