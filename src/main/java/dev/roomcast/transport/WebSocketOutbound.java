package dev.roomcast.transport;

import dev.roomcast.error.CloseCode;
import dev.roomcast.session.Outbound;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** A session's frames as WebSocket text frames; its end as a close frame with the code and its reason. */
final class WebSocketOutbound implements Outbound {

    private final WebSocketConnection connection;

    WebSocketOutbound(WebSocketConnection connection) {
        this.connection = connection;
    }

    @Override
    public Uni<Void> send(String frame) {
        return connection.sendText(frame);
    }

    @Override
    public Uni<Void> close(CloseCode code) {
        return connection.close(new CloseReason(code.code(), code.reason()));
    }

    @Override
    public boolean isClosed() {
        return connection.isClosed();
    }
}
