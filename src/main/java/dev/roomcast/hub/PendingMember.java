package dev.roomcast.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * A connection joining a room: in the room (its Redis interest is active) but not yet told so. Until its ack is written
 * every frame of the room is kept for it; afterwards, persisted events at or below its floor (the offset its ack
 * announced, up to which its replay covered) are skipped until the room's stream passes the floor.
 */
final class PendingMember {

    final Recipient recipient;
    List<Object> buffer = new ArrayList<>(4); // frame, offset (Long or null), frame, offset, ...
    /** Characters kept in the buffer, counted against the connection's budget until written. */
    int heldBytes;

    long floor = -1;
    boolean acked;

    PendingMember(Recipient recipient) {
        this.recipient = recipient;
    }

    void keep(String frame, Long offset) {
        if (recipient.hold(frame.length(), offset != null)) {
            buffer.add(frame);
            buffer.add(offset);
            heldBytes += frame.length();
        }
    }

    /** Its kept frames are no longer held for it (written, or the join ended). */
    void release() {
        recipient.unhold(heldBytes);
        heldBytes = 0;
    }

    /** Whether the frame is to be written now; after the ack, a persisted event at or below the floor is not. */
    boolean wants(Long offset) {
        return offset == null || offset > floor;
    }
}
