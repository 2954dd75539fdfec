package dev.roomcast.chat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** What a chat operation answers (the ack's data) and what it makes known once committed. */
public record ChatOutcome(JsonNode reply, List<PersistedEvent> roomEvents, List<UserEvent> userEvents) {

    static ChatOutcome replyOnly(JsonNode reply) {
        return new ChatOutcome(reply, List.of(), List.of());
    }
}
