package dev.roomcast.transport;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token a request carries: {@code Authorization: Bearer} or, for clients that cannot set headers (a browser's
 * WebSocket, {@code EventSource}), the {@code access_token} query parameter.
 */
final class RequestToken {

    private static final String BEARER = "Bearer ";
    private static final String ACCESS_TOKEN = "access_token";

    private RequestToken() {}

    /** @return the token, or null when the request carries none */
    static String of(HttpServerRequest request) {
        String token = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (token != null) {
            return token;
        }
        String query = queryParameter(request.query(), ACCESS_TOKEN);
        return query == null || query.isEmpty() ? null : query;
    }

    /**
     * The first value of one query parameter, decoded. Read from the query string rather than with
     * {@code getParam}, which would decode every parameter into a map the request keeps for as long as the socket
     * lives: one more copy of the token per connection.
     */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        int at = 0;
        while (at <= query.length()) {
            int end = query.indexOf('&', at);
            if (end < 0) {
                end = query.length();
            }
            int equals = query.indexOf('=', at);
            boolean hasValue = equals >= 0 && equals < end;
            int nameEnd = hasValue ? equals : end;
            if (nameEnd - at == name.length() && query.startsWith(name, at)) {
                return hasValue ? QueryStringDecoder.decodeComponent(query.substring(equals + 1, end)) : "";
            }
            at = end + 1;
        }
        return null;
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }
}
