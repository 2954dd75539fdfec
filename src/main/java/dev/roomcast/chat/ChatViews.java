package dev.roomcast.chat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The JSON shapes of chat objects, in one place for WebSocket events, acks, the event log and the REST API: complete
 * {@code message} objects (PROTOCOL.md 5.1) and {@code ROOM} objects (section 6).
 */
@ApplicationScoped
public class ChatViews {

    private final ObjectMapper mapper;

    ChatViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode message(Message message, Map<String, Integer> reactions) {
        ObjectNode node = mapper.createObjectNode();
        node.put("id", message.id);
        node.put("room", message.room);
        node.put("offset", message.offset);
        node.put("userId", message.userId);
        node.put("text", message.deleted ? "" : message.text);
        node.put("clientMsgId", message.clientMsgId);
        if (message.threadId == null) {
            node.putNull("threadId");
        } else {
            node.put("threadId", message.threadId);
        }
        node.put("createdAt", time(message.createdAt));
        if (message.editedAt == null) {
            node.putNull("editedAt");
        } else {
            node.put("editedAt", time(message.editedAt));
        }
        node.put("deleted", message.deleted);
        node.put("pinned", message.pinned);
        ObjectNode counts = node.putObject("reactions");
        reactions.forEach(counts::put);
        node.put("replyCount", message.replyCount);
        return node;
    }

    public ObjectNode room(Room room) {
        ObjectNode node = mapper.createObjectNode();
        node.put("room", room.name);
        if (room.title == null) {
            node.putNull("title");
        } else {
            node.put("title", room.title);
        }
        node.put("owner", room.ownerId);
        node.put("epoch", room.epoch);
        node.put("lastOffset", room.lastOffset);
        return node;
    }

    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    public String json(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    static String time(OffsetDateTime time) {
        return DateTimeFormatter.ISO_INSTANT.format(time.toInstant());
    }
}
