package dev.roomcast.bench;

import java.net.URI;
import java.util.List;

/**
 * What differs between the servers compared: how a client becomes a room receiver, how the sender publishes, and
 * which text frames are deliveries. Every delivery carries the sender's {@code "t":NANOS} stamp. Rooms are named by the
 * generator ({@code fanout}, {@code r17}); each peer puts the name where it expects one: a join frame, the handshake's
 * query, or the URL's path for the bare servers, which group their sockets by path.
 */
enum Peer {
    /** Roomcast: token at the handshake, `connected`, then a join acknowledged by id; publish into a `bench:` room. */
    ROOMCAST {
        @Override
        List<String> afterConnected(String room) {
            return List.of("{\"event\":\"join\",\"id\":\"j\",\"data\":{\"rooms\":[\"bench:" + room + "\"]}}");
        }

        @Override
        URI roomUri(URI server, String room) {
            return server;
        }

        @Override
        boolean isReady(String text) {
            return text.contains("\"id\":\"j\"");
        }

        @Override
        boolean waitsForConnected() {
            return true;
        }

        @Override
        String publish(String room, String payload) {
            return "{\"event\":\"publish\",\"data\":{\"room\":\"bench:" + room + "\",\"event\":\"tick\",\"data\":"
                    + payload + "}}";
        }

        @Override
        String keepAlive() {
            return "{\"event\":\"heartbeat\"}";
        }
    },
    /** The bare Vert.x broadcast server: every text message goes to every other socket as it is. */
    VERTX,
    /** A bare Node.js `ws` server doing what the bare Vert.x one does. */
    WS,
    /** Socket.IO 4 over its WebSocket transport (Engine.IO v4): open, connect to the default namespace, pongs. */
    SOCKETIO {
        @Override
        boolean waitsForConnected() {
            return true;
        }

        @Override
        List<String> afterConnected(String room) {
            return List.of("40");
        }

        @Override
        URI roomUri(URI server, String room) {
            return URI.create(server + "&room=" + room);
        }

        @Override
        boolean isReady(String text) {
            return text.startsWith("40");
        }

        @Override
        String reply(String text) {
            return "2".equals(text) ? "3" : null;
        }

        @Override
        String publish(String room, String payload) {
            return "42[\"publish\"," + payload + "]";
        }
    };

    /** Whether the server speaks first (Roomcast's `connected`, Engine.IO's open packet) before the client joins. */
    boolean waitsForConnected() {
        return false;
    }

    /** Frames to send once connected (after the server's first frame when it speaks first), to be in the room. */
    List<String> afterConnected(String room) {
        return List.of();
    }

    /** Where a client of the room connects; the bare servers' room is the URL's path. */
    URI roomUri(URI server, String room) {
        return server.resolve("/" + room);
    }

    /** Whether this frame completes the client's setup (a join ack); the bare servers have none: ready at once. */
    boolean isReady(String text) {
        return false;
    }

    /** A frame the protocol requires in answer to this one (Engine.IO pong), or null. */
    String reply(String text) {
        return null;
    }

    /**
     * The frame that publishes the payload to the sender's room; the bare servers broadcast every text frame as it is
     * to their path's other sockets, Socket.IO to the room the sender joined at the handshake.
     */
    String publish(String room, String payload) {
        return payload;
    }

    /** A frame that keeps an idle receiver's session alive, or null when the server needs none. */
    String keepAlive() {
        return null;
    }

    static Peer named(String name) {
        return valueOf(name.toUpperCase().replace("-", ""));
    }
}
