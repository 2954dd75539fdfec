package dev.roomcast.transport;

import dev.roomcast.encryption.InvalidPublicKeyException;
import dev.roomcast.encryption.SessionKeys;
import io.vertx.core.http.HttpServerRequest;

/**
 * The keys of PROTOCOL.md section 10 negotiated at a handshake ({@code GET /ws}, {@code GET /sse}): the client's
 * {@code publicKey} query parameter, base64url as the section asks. A client that sent standard base64 without
 * escaping it lost its {@code +} to the query decoding, which reads it as a space; it is put back, since the server
 * reads either alphabet.
 */
final class HandshakeKeys {

    static final String PUBLIC_KEY = "publicKey";

    private HandshakeKeys() {}

    /**
     * @return the session's keys, or null when the request asks for no encryption
     * @throws InvalidPublicKeyException when its {@code publicKey} is not a P-256 key (HTTP 400)
     */
    static SessionKeys of(HttpServerRequest request) {
        String publicKey = RequestToken.queryParameter(request.query(), PUBLIC_KEY);
        return publicKey == null ? null : SessionKeys.agree(publicKey.replace(' ', '+'));
    }
}
