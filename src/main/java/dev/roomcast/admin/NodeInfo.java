package dev.roomcast.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One live pod as {@code GET /api/nodes} lists it (PROTOCOL.md section 12): its sessions, the distinct users and rooms
 * (automatic ones not counted) they are in, when it started, and whether it is draining.
 */
@RegisterForReflection
public record NodeInfo(String pod, int connections, int users, int rooms, String startedAt, boolean draining) {}
