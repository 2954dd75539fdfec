package dev.roomcast.room;

import dev.roomcast.RoomcastConfig.JoinRule;

/**
 * What a namespace allows. {@code automatic} namespaces ({@code user}, {@code client}) hold only the rooms every
 * connection is put in on authentication; they cannot be joined for someone else, left, or published to.
 */
public record NamespacePolicy(
        String name, JoinRule join, boolean publish, boolean history, boolean presence, boolean automatic) {}
