package dev.roomcast.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.error.RoomcastException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes every server-to-client frame of PROTOCOL.md section 1. A delivery frame is written once per pod and
 * the resulting text is sent unchanged to every recipient.
 */
@ApplicationScoped
public class ServerFrames {

    private final ObjectMapper mapper;
    private final JsonFactory factory;

    ServerFrames(ObjectMapper mapper) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
    }

    /** {@code {"event","room"?,"offset"?,"from"?,"traceId"?,"data"?}}: {@code room} only for room deliveries. */
    public String delivery(Envelope envelope) {
        return write(envelope.data() == null ? 96 : 96 + envelope.data().length(), g -> {
            g.writeStartObject();
            g.writeStringField("event", envelope.event());
            if (envelope.type() == DeliveryType.ROOM) {
                g.writeStringField("room", envelope.target());
            }
            if (envelope.offset() != null) {
                g.writeNumberField("offset", envelope.offset());
            }
            if (envelope.from() != null) {
                g.writeObjectFieldStart("from");
                g.writeStringField("userId", envelope.from().userId());
                g.writeStringField("clientId", envelope.from().clientId());
                g.writeEndObject();
            }
            if (envelope.traceId() != null) {
                g.writeStringField("traceId", envelope.traceId());
            }
            if (envelope.data() != null) {
                g.writeFieldName("data");
                g.writeRawValue(envelope.data());
            }
            g.writeEndObject();
        });
    }

    public String connected(
            String id, String traceId, String clientId, String userId, String time, String pod, long heartbeatMs) {
        return connected(id, traceId, clientId, userId, time, pod, heartbeatMs, null, null);
    }

    /** {@code connected}, with {@code encrypted}, {@code serverPublicKey} and {@code salt} when a key is given. */
    public String connected(
            String id,
            String traceId,
            String clientId,
            String userId,
            String time,
            String pod,
            long heartbeatMs,
            String serverPublicKey,
            String salt) {
        return write(serverPublicKey == null ? 192 : 384, g -> {
            g.writeStartObject();
            g.writeStringField("event", "connected");
            header(g, id, traceId);
            g.writeObjectFieldStart("data");
            g.writeStringField("id", clientId);
            g.writeStringField("userId", userId);
            g.writeStringField("time", time);
            g.writeStringField("pod", pod);
            g.writeNumberField("heartbeatMs", heartbeatMs);
            if (serverPublicKey != null) {
                g.writeBooleanField("encrypted", true);
                g.writeStringField("serverPublicKey", serverPublicKey);
                g.writeStringField("salt", salt);
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** {@code {"event":"reconnect","data":{"afterMs":N}}}: this pod is going away. */
    public String reconnect(long afterMs) {
        return write(48, g -> {
            g.writeStartObject();
            g.writeStringField("event", "reconnect");
            g.writeObjectFieldStart("data");
            g.writeNumberField("afterMs", afterMs);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * {@code {"event":"close","data":{"code":CODE,"reason":TEXT}}}: the last frame of a stream that has no close frame
     * of its own (PROTOCOL.md section 11).
     */
    public String close(int code, String reason) {
        return write(64, g -> {
            g.writeStartObject();
            g.writeStringField("event", "close");
            g.writeObjectFieldStart("data");
            g.writeNumberField("code", code);
            g.writeStringField("reason", reason);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** @param data a JSON tree or a view record: what Jackson writes as the ack's {@code data} */
    public String ack(String id, String traceId, Object data) {
        return write(64, g -> {
            g.writeStartObject();
            g.writeStringField("event", "ack");
            header(g, id, traceId);
            g.writeFieldName("data");
            mapper.writeValue(g, data);
            g.writeEndObject();
        });
    }

    public String pong(String id, String traceId) {
        return write(48, g -> {
            g.writeStartObject();
            g.writeStringField("event", "pong");
            header(g, id, traceId);
            g.writeEndObject();
        });
    }

    /**
     * With an {@code id}, {@code data} is {@code {code, message}}; without one it also names the offending
     * {@code event} (when it could be read). Extra details (e.g. {@code retryAfterMs}) go into {@code data}.
     */
    public String error(String id, String traceId, String event, RoomcastException error) {
        return write(128, g -> {
            g.writeStartObject();
            g.writeStringField("event", "error");
            header(g, id, traceId);
            g.writeObjectFieldStart("data");
            g.writeStringField("code", error.code().name());
            g.writeStringField("message", error.getMessage());
            if (id == null && event != null) {
                g.writeStringField("event", event);
            }
            for (Map.Entry<String, Object> detail : error.details().entrySet()) {
                g.writeFieldName(detail.getKey());
                mapper.writeValue(g, detail.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    private static void header(JsonGenerator g, String id, String traceId) throws IOException {
        if (id != null) {
            g.writeStringField("id", id);
        }
        if (traceId != null) {
            g.writeStringField("traceId", traceId);
        }
    }

    private String write(int sizeHint, FrameBody body) {
        StringWriter out = new StringWriter(sizeHint);
        try (JsonGenerator g = factory.createGenerator(out)) {
            body.writeTo(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @FunctionalInterface
    private interface FrameBody {
        void writeTo(JsonGenerator g) throws IOException;
    }
}
