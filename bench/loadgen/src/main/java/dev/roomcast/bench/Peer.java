package dev.roomcast.bench;

import java.util.List;

/**
 * What differs between the servers compared: how a client becomes a room receiver, how the sender publishes, and
 * which text frames are deliveries. Every delivery carries the sender's {@code "t":NANOS} stamp.
 */
enum Peer {
    /** Roomcast: token at the handshake, `connected`, then a join acknowledged by id; publish into a `bench:` room. */
    ROOMCAST {
        @Override
        List<String> afterConnected() {
            return List.of("{\"event\":\"join\",\"id\":\"j\",\"data\":{\"rooms\":[\"" + ROOM + "\"]}}");
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
        String publish(String payload) {
            return "{\"event\":\"publish\",\"data\":{\"room\":\"" + ROOM + "\",\"event\":\"tick\",\"data\":" + payload
                    + "}}";
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
        List<String> afterConnected() {
            return List.of("40");
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
        String publish(String payload) {
            return "42[\"publish\"," + payload + "]";
        }
    };

    static final String ROOM = "bench:fanout";

    /** Whether the server speaks first (Roomcast's `connected`, Engine.IO's open packet) before the client joins. */
    boolean waitsForConnected() {
        return false;
    }

    /** Frames to send once connected (after the server's first frame when it speaks first). */
    List<String> afterConnected() {
        return List.of();
    }

    /** Whether this frame completes the client's setup (a join ack); the bare servers have none: ready at once. */
    boolean isReady(String text) {
        return false;
    }

    /** A frame the protocol requires in answer to this one (Engine.IO pong), or null. */
    String reply(String text) {
        return null;
    }

    /** The frame that publishes the payload to the room; the bare servers broadcast every text frame as it is. */
    String publish(String payload) {
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
