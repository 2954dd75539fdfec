package dev.roomcast.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.security.InputRules;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * Reads {@code {"event", "data"?, "id"?, "traceId"?}} with Jackson's streaming parser. Types are strict (no
 * coercion of {@code 5} into {@code "5"}); unknown fields are skipped. After a type error the rest of the frame is
 * still scanned so that the error reply can carry the frame's {@code id}.
 */
@ApplicationScoped
public class ClientFrameCodec {

    private final JsonFactory factory;
    private final ObjectMapper mapper;

    ClientFrameCodec(ObjectMapper mapper) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
    }

    public ClientFrame decode(String text) throws FrameDecodeException {
        String event = null;
        String id = null;
        String traceId = null;
        JsonNode data = null;
        String problem = null;
        try (JsonParser parser = factory.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new FrameDecodeException("frame must be a JSON object", null, null);
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "event" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            event = parser.getText();
                        } else {
                            problem = first(problem, "event must be a string");
                            parser.skipChildren();
                        }
                    }
                    case "id" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            id = parser.getText();
                        } else {
                            problem = first(problem, "id must be a string");
                            parser.skipChildren();
                        }
                    }
                    case "traceId" -> {
                        if (value == JsonToken.VALUE_STRING && InputRules.isTraceId(parser.getText())) {
                            traceId = parser.getText();
                        } else {
                            // Echoed on replies and written to logs: only its own alphabet (a newline would forge a
                            // line).
                            problem = first(problem, "traceId must match [A-Za-z0-9._:/-]{1,64}");
                            parser.skipChildren();
                        }
                    }
                    case "data" -> {
                        if (value == JsonToken.START_OBJECT) {
                            data = mapper.readTree(parser);
                        } else if (value != JsonToken.VALUE_NULL) {
                            problem = first(problem, "data must be an object");
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new FrameDecodeException("frame must be exactly one JSON object", id, event);
            }
        } catch (IOException e) {
            throw new FrameDecodeException("frame is not valid JSON", id, event);
        }
        if (problem != null) {
            throw new FrameDecodeException(problem, id, event);
        }
        if (event == null) {
            throw new FrameDecodeException("event is required", id, null);
        }
        if (!EventNames.isWellFormed(event)) {
            // Named back when it is short enough to be worth reading; a long one is noise.
            throw new FrameDecodeException("event name is malformed", id, event.length() <= 128 ? event : null);
        }
        return new ClientFrame(event, ClientEvent.fromWire(event), id, data, traceId);
    }

    private static String first(String existing, String candidate) {
        return existing != null ? existing : candidate;
    }
}
