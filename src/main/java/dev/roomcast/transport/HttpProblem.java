package dev.roomcast.transport;

import dev.roomcast.error.ErrorCode;
import dev.roomcast.error.RoomcastException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A refusal of the SSE endpoints as the HTTP API writes one (PROTOCOL.md section 6): the status, a problem body
 * {@code {"code","message"}}, {@code WWW-Authenticate} on 401 and {@code Retry-After} (whole seconds) when the
 * refusal says when to come back.
 */
final class HttpProblem {

    private HttpProblem() {}

    static void send(HttpServerResponse response, RoomcastException error) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(error.httpStatus()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (error.code() == ErrorCode.AUTH_REQUIRED) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        if (error.details().get("retryAfterMs") instanceof Long waitMillis) {
            response.putHeader("Retry-After", Long.toString(Math.max(1, (waitMillis + 999) / 1000)));
        }
        response.end(new JsonObject()
                .put("code", error.code().name())
                .put("message", error.getMessage())
                .encode());
    }
}
