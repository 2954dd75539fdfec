package dev.roomcast.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.protocol.Since;
import dev.roomcast.room.JoinPosition;
import dev.roomcast.room.NamespacePolicy;

/** One room's result within a join, in request order; written into the ack as PROTOCOL.md section 3 shows. */
final class JoinOutcome {

    final String room;
    NamespacePolicy policy;
    Since since;
    /** Allowed so far and not yet a member: passed to the room limit, then reserved. */
    boolean needsMembership;
    /** Whether this room holds a reservation on the shard, to be committed or abandoned. */
    boolean reserved;
    /** Whether the connection is in the room as a pending member, to be completed or removed. */
    boolean pending;
    /** For rooms with history: where the room stands, read once the connection was in it. */
    JoinPosition position;

    RoomcastException error;

    JoinOutcome(String room) {
        this.room = room;
    }

    JoinOutcome refuse(RoomcastException refusal) {
        this.error = refusal;
        return this;
    }

    boolean hasHistory() {
        return policy != null && policy.history();
    }

    void writeTo(ObjectNode result) {
        result.put("room", room);
        result.put("joined", error == null);
        if (error == null && position != null) {
            result.put("offset", position.lastOffset());
            result.put("epoch", position.epoch());
            result.put("recovered", position.recovered());
            result.put("missed", position.missed());
        }
        if (error != null) {
            ObjectNode detail = result.putObject("error");
            detail.put("code", error.code().name());
            detail.put("message", error.getMessage());
        }
    }
}
