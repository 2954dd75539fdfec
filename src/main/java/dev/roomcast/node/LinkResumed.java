package dev.roomcast.node;

/**
 * Fired (as a CDI event) when this pod hears the broadcast channel again: at start, and after every loss of the link
 * to the other pods. Notices announced meanwhile were lost; whoever keeps state from them reads it anew.
 */
public record LinkResumed() {}
