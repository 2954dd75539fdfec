package dev.roomcast.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.roomcast.error.RoomcastException;

/** One room's result within a join, in request order; written into the ack as PROTOCOL.md section 3 shows. */
final class JoinOutcome {

    final String room;
    /** Allowed so far and not yet a member: passed to the room limit, then reserved. */
    boolean needsMembership;
    /** Whether this room holds a reservation on the shard, to be committed or abandoned. */
    boolean reserved;
    RoomcastException error;

    JoinOutcome(String room) {
        this.room = room;
    }

    JoinOutcome refuse(RoomcastException refusal) {
        this.error = refusal;
        return this;
    }

    void writeTo(ObjectNode result) {
        result.put("room", room);
        result.put("joined", error == null);
        if (error != null) {
            ObjectNode detail = result.putObject("error");
            detail.put("code", error.code().name());
            detail.put("message", error.getMessage());
        }
    }
}
