package dev.roomcast.protocol;

import java.io.IOException;

/** A Redis message body that does not follow PROTOCOL.md section 7; such messages are dropped and counted. */
public final class InvalidEnvelopeException extends IOException {

    public InvalidEnvelopeException(String message) {
        super(message);
    }
}
