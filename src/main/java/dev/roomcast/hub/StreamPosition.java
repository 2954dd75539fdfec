package dev.roomcast.hub;

/** Where a history room stands in its event log: the epoch of its history and its newest offset. */
public record StreamPosition(String epoch, long lastOffset) {}
