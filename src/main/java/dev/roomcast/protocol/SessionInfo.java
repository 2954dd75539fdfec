package dev.roomcast.protocol;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One live session as {@code GET /api/users/{userId}/sessions} lists it (PROTOCOL.md section 12), and as a pod reports
 * its own to the pod that asks.
 *
 * @param client the session's client id
 * @param pod the pod that holds it
 * @param transport {@code websocket} or {@code sse}
 * @param connectedAt when it said {@code connected}, ISO-8601
 * @param rooms rooms joined, the automatic ones not counted
 * @param encrypted whether its frames are encrypted (section 10)
 */
@RegisterForReflection
public record SessionInfo(
        String client, String pod, String transport, String connectedAt, int rooms, boolean encrypted) {}
