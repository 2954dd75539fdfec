package dev.roomcast.chat;

import java.util.List;

/**
 * What a chat operation answers (the ack's data, or the HTTP body: a view record or a small JSON object) and what it
 * makes known once committed.
 */
public record ChatOutcome<R>(R reply, List<PersistedEvent> roomEvents, List<UserEvent> userEvents) {

    static <R> ChatOutcome<R> replyOnly(R reply) {
        return new ChatOutcome<>(reply, List.of(), List.of());
    }
}
