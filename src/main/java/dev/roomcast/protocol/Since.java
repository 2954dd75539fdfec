package dev.roomcast.protocol;

/** Where a rejoining client stands in a room's history: {@code join.data.since[room]}. */
public record Since(long offset, String epoch) {}
