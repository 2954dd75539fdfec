package dev.roomcast.transport;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token a request carries: {@code Authorization: Bearer} or, for clients that cannot set headers (a browser's
 * WebSocket, {@code EventSource}), the {@code access_token} query parameter.
 */
final class RequestToken {

    private static final String BEARER = "Bearer ";

    private RequestToken() {}

    /** @return the token, or null when the request carries none */
    static String of(HttpServerRequest request) {
        String token = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token != null) {
            return token;
        }
        String query = request.getParam("access_token");
        return query == null || query.isEmpty() ? null : query;
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }
}
