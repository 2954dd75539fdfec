package dev.roomcast.presence;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A user present in a room: with how many clients, across all pods, and since when (ISO-8601). */
@RegisterForReflection
public record PresentUser(String userId, long clients, String since) {}
