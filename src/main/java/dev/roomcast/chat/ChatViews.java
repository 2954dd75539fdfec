package dev.roomcast.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The shapes of chat objects, in one place for WebSocket events, acks, the event log and the HTTP API: typed views
 * ({@link MessageView}, {@link RoomView}) and the small JSON objects of structural events, written once as the text
 * that events carry.
 */
@ApplicationScoped
public class ChatViews {

    private final ObjectMapper mapper;

    ChatViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public MessageView message(Message message, Map<String, Integer> reactions) {
        return new MessageView(
                message.id,
                message.room,
                message.offset,
                message.userId,
                message.deleted ? "" : message.text,
                message.clientMsgId,
                message.threadId,
                time(message.createdAt),
                message.editedAt == null ? null : time(message.editedAt),
                message.deleted,
                message.pinned,
                reactions,
                message.replyCount);
    }

    public RoomView room(Room room) {
        return RoomView.of(room);
    }

    /** An empty object, for the small fixed-shape data of structural events and acks. */
    public ObjectNode object() {
        return mapper.createObjectNode();
    }

    /** The JSON text of a view or a tree: what an event carries. */
    public String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a " + value.getClass().getSimpleName() + " could not be written", e);
        }
    }

    static String time(OffsetDateTime time) {
        return DateTimeFormatter.ISO_INSTANT.format(time.toInstant());
    }
}
