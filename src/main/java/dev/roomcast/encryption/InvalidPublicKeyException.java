package dev.roomcast.encryption;

/** A client's {@code publicKey} that is not a P-256 public key in SPKI DER, base64: 400 at a handshake, else 4004. */
public final class InvalidPublicKeyException extends RuntimeException {

    InvalidPublicKeyException(String message) {
        super(message, null, false, false);
    }
}
