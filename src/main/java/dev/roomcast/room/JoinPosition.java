package dev.roomcast.room;

/**
 * A history room at the moment of a join: its last offset and epoch, and whether the client's {@code since} can be
 * recovered: then the {@code missed} events after {@code since} follow the ack, read page by page as the client reads.
 */
public record JoinPosition(long lastOffset, String epoch, boolean recovered, long since) {

    /** How many events the recovery replays. */
    public long missed() {
        return recovered ? lastOffset - since : 0;
    }
}
