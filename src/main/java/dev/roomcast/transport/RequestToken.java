package dev.roomcast.transport;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;

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
     * The first value of one query parameter, decoded. Decoded here, into a map that is garbage once the token is
     * read, rather than with {@code getParam}, whose decoded map the request keeps for as long as the socket lives:
     * one more copy of the token per connection.
     */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        List<String> values = new QueryStringDecoder(query, false).parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }
}
