package dev.roomcast.room;

import java.util.List;

import dev.roomcast.broker.Envelope;

/**
 * A history room at the moment of a join: its last offset and epoch, whether the client's {@code since} could be
 * recovered, and the events it missed (in offset order) when it could.
 */
public record JoinPosition(long lastOffset, String epoch, boolean recovered, List<Envelope> missed) {
}
