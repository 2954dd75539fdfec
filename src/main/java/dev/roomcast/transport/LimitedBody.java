package dev.roomcast.transport;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * A request body read whole, up to a limit: a body that announces or reaches more is refused as soon as it does, and
 * never held beyond the limit.
 */
final class LimitedBody implements Handler<Buffer> {

    private final int limit;
    private final Handler<Buffer> then;
    private Buffer body = Buffer.buffer();
    private boolean refused;

    private LimitedBody(int limit, Handler<Buffer> then) {
        this.limit = limit;
        this.then = then;
    }

    /** Calls {@code then} once: with the body, or with null when it exceeds {@code limit} bytes. */
    static void read(RoutingContext routing, int limit, Handler<Buffer> then) {
        RequestBody read = routing.body();
        if (read != null && read.available()) {
            Buffer buffer = read.buffer();
            then.handle(buffer == null ? Buffer.buffer() : buffer.length() > limit ? null : buffer);
            return;
        }
        HttpServerRequest request = routing.request();
        String announced = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (announced != null && exceeds(announced, limit)) {
            then.handle(null);
            return;
        }
        LimitedBody reader = new LimitedBody(limit, then);
        request.handler(reader);
        request.endHandler(ended -> reader.ended());
        request.resume();
    }

    @Override
    public void handle(Buffer chunk) {
        if (refused) {
            return;
        }
        if (body.length() + chunk.length() > limit) {
            refused = true;
            body = null;
            then.handle(null);
            return;
        }
        body.appendBuffer(chunk);
    }

    private void ended() {
        if (!refused) {
            then.handle(body);
        }
    }

    private static boolean exceeds(String contentLength, int limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException malformed) {
            return false; // Vert.x refuses a malformed length itself; the count below holds either way
        }
    }
}
