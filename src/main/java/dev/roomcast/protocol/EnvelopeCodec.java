package dev.roomcast.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads the Redis message body. Besides the contract's fields ({@code serverId, type, target,
 * event, data, exclude}) pods add {@code from}, {@code offset}, {@code traceId}, {@code ts}, {@code leave} and
 * {@code leaveSparesAdmins} for their own traffic, and sign what they write ({@link BodySigner}); an emitter's body
 * needs only the contract's fields. A body that is not signed by a pod loses the pod-only fields ({@code from},
 * {@code offset}, {@code leave}) and is delivered as an emitted event; an unsigned presence notice is dropped. {@code data}
 * is copied through as raw JSON text, token by token, without building a tree.
 */
@ApplicationScoped
public class EnvelopeCodec {

    private final ObjectMapper mapper;
    private final JsonFactory factory;
    private final BodySigner signer;

    EnvelopeCodec(ObjectMapper mapper, BodySigner signer) {
        this.mapper = mapper;
        this.factory = mapper.getFactory();
        this.signer = signer;
    }

    public String encode(Envelope envelope) {
        StringWriter out = new StringWriter(
                128 + (envelope.data() == null ? 0 : envelope.data().length()));
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("serverId", envelope.serverId());
            g.writeStringField("type", envelope.type().wireName());
            if (envelope.target() != null) {
                g.writeStringField("target", envelope.target());
            }
            g.writeStringField("event", envelope.event());
            if (envelope.data() != null) {
                g.writeFieldName("data");
                g.writeRawValue(envelope.data());
            }
            if (!envelope.exclude().isEmpty()) {
                g.writeArrayFieldStart("exclude");
                for (String clientId : envelope.exclude()) {
                    g.writeString(clientId);
                }
                g.writeEndArray();
            }
            if (envelope.from() != null) {
                g.writeObjectFieldStart("from");
                g.writeStringField("userId", envelope.from().userId());
                g.writeStringField("clientId", envelope.from().clientId());
                g.writeEndObject();
            }
            if (envelope.offset() != null) {
                g.writeNumberField("offset", envelope.offset());
            }
            if (envelope.traceId() != null) {
                g.writeStringField("traceId", envelope.traceId());
            }
            g.writeNumberField("ts", envelope.acceptedAtMicros());
            if (envelope.leave() != null) {
                g.writeStringField("leave", envelope.leave());
                if (envelope.leaveSparesAdmins()) {
                    g.writeBooleanField("leaveSparesAdmins", true);
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return signer.sign(out.toString());
    }

    /** A command body: {@code {"serverId","type":"command","target","userId","frames":[...]}}, signed. */
    public String encode(ClientCommand command) {
        int size = 128;
        for (String frame : command.frames()) {
            size += frame.length() + 1;
        }
        StringWriter out = new StringWriter(size);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("serverId", command.serverId());
            g.writeStringField("type", ClientCommand.TYPE);
            g.writeStringField("target", command.clientId());
            g.writeStringField("userId", command.userId());
            g.writeArrayFieldStart("frames");
            for (String frame : command.frames()) {
                g.writeRawValue(frame);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return signer.sign(out.toString());
    }

    /**
     * A disconnect's body: {@code {"serverId","type":"disconnect","target":USER_OR_CLIENT,"data":{"scope","reason"}}},
     * signed.
     */
    public String encode(Disconnect disconnect) {
        ObjectNode data = mapper.createObjectNode()
                .put("scope", disconnect.userId() != null ? "user" : "client")
                .put("reason", disconnect.reason());
        return notice(
                disconnect.serverId(),
                Disconnect.TYPE,
                disconnect.userId() != null ? disconnect.userId() : disconnect.clientId(),
                data);
    }

    /** A revocation notice's body: {@code {"serverId","type":"revocation","data":{...}}}, signed. */
    public String encode(RevocationNotice notice) {
        ObjectNode data =
                mapper.createObjectNode().put("lifted", notice.lifted()).put("id", notice.id());
        if (!notice.lifted()) {
            if (notice.userId() != null) {
                data.put("user", notice.userId()).put("issuedBefore", notice.issuedBefore());
            } else {
                data.put("jti", notice.jti()).put("exp", notice.exp());
            }
            data.put("expiresAt", notice.expiresAt()).put("createdAt", notice.createdAt());
        }
        return notice(notice.serverId(), RevocationNotice.TYPE, null, data);
    }

    /** A sessions query's body: {@code {"serverId","type":"sessions.query","target":USER,"data":{"id"}}}, signed. */
    public String encode(SessionsQuery query) {
        return notice(
                query.serverId(),
                SessionsQuery.TYPE,
                query.userId(),
                mapper.createObjectNode().put("id", query.queryId()));
    }

    /** A sessions reply's body: {@code {"serverId","type":"sessions.reply","target":ASKER,"data":{"id","items"}}}. */
    public String encode(SessionsReply reply) {
        ObjectNode data = mapper.createObjectNode().put("id", reply.queryId());
        data.set("items", mapper.valueToTree(reply.items()));
        return notice(reply.serverId(), SessionsReply.TYPE, reply.askedBy(), data);
    }

    private String notice(String serverId, String type, String target, ObjectNode data) {
        ObjectNode body = mapper.createObjectNode().put("serverId", serverId).put("type", type);
        if (target != null) {
            body.put("target", target);
        }
        body.set("data", data);
        return signer.sign(body.toString());
    }

    /**
     * An event's body; a command's is refused here.
     *
     * @param receivedAtMicros used as the accept time when the body has no {@code ts} (emitters)
     * @throws InvalidEnvelopeException when the body does not follow the contract
     */
    public Envelope decode(String body, long receivedAtMicros) throws InvalidEnvelopeException {
        if (decodeMessage(body, receivedAtMicros) instanceof Envelope envelope) {
            return envelope;
        }
        throw new InvalidEnvelopeException("a command is not an event");
    }

    /**
     * Any body a pod may receive: an event, or a command (which counts only when a pod signed it).
     *
     * @param receivedAtMicros used as the accept time when the body has no {@code ts} (emitters)
     * @throws InvalidEnvelopeException when the body does not follow the contract
     */
    public PodMessage decodeMessage(String body, long receivedAtMicros) throws InvalidEnvelopeException {
        String serverId = null;
        String type = null;
        String target = null;
        String event = null;
        String data = null;
        List<String> exclude = List.of();
        Sender from = null;
        Long offset = null;
        String traceId = null;
        String leave = null;
        boolean leaveSparesAdmins = false;
        String userId = null;
        List<String> frames = null;
        String sig = null;
        int sigStart = -1;
        int sigEnd = -1;
        long ts = receivedAtMicros;
        try (JsonParser p = factory.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEnvelopeException("body is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                int fieldStart =
                        "sig".equals(field) ? (int) p.currentTokenLocation().getCharOffset() : -1;
                JsonToken value = p.nextToken();
                switch (field) {
                    case "serverId" -> serverId = text(p, value, field);
                    case "type" -> type = text(p, value, field);
                    case "target" -> target = value == JsonToken.VALUE_NULL ? null : text(p, value, field);
                    case "event" -> event = text(p, value, field);
                    case "traceId" -> traceId = value == JsonToken.VALUE_NULL ? null : text(p, value, field);
                    case "data" -> data = value == JsonToken.VALUE_NULL ? null : copyRaw(p);
                    case "exclude" -> exclude = value == JsonToken.VALUE_NULL ? List.of() : strings(p, value);
                    case "from" -> from = value == JsonToken.VALUE_NULL ? null : sender(p, value);
                    case "offset" -> offset = value == JsonToken.VALUE_NULL ? null : offset(p, value);
                    case "ts" -> ts = number(p, value, field);
                    case "leave" -> leave = value == JsonToken.VALUE_NULL ? null : text(p, value, field);
                    case "leaveSparesAdmins" -> leaveSparesAdmins = bool(value, field);
                    case "userId" -> userId = text(p, value, field);
                    case "frames" -> frames = frames(p, value);
                    case "sig" -> {
                        if (sig != null) {
                            throw new InvalidEnvelopeException("sig appears twice");
                        }
                        sigStart = fieldStart;
                        sig = text(p, value, field);
                        sigEnd = (int) p.currentLocation().getCharOffset();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || !atEnd(p)) {
                throw new InvalidEnvelopeException("body must be exactly one JSON object");
            }
        } catch (InvalidEnvelopeException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidEnvelopeException("body is not valid JSON");
        }
        if (serverId == null) {
            throw new InvalidEnvelopeException("serverId is required");
        }
        boolean signed = !signer.enabled() || (sig != null && signer.verify(body, sigStart, sigEnd, sig));
        if (ClientCommand.TYPE.equals(type)) {
            return command(serverId, target, userId, frames, signed);
        }
        if (Disconnect.TYPE.equals(type)
                || RevocationNotice.TYPE.equals(type)
                || SessionsQuery.TYPE.equals(type)
                || SessionsReply.TYPE.equals(type)) {
            if (!signed) {
                throw new InvalidEnvelopeException(type + " without a valid pod signature");
            }
            return switch (type) {
                case Disconnect.TYPE -> disconnect(serverId, target, data);
                case RevocationNotice.TYPE -> revocation(serverId, data);
                case SessionsQuery.TYPE -> sessionsQuery(serverId, target, data);
                default -> sessionsReply(serverId, target, data);
            };
        }
        DeliveryType deliveryType = DeliveryType.fromWire(type);
        if (deliveryType == null) {
            throw new InvalidEnvelopeException("type must be room, user, client or broadcast");
        }
        if (deliveryType != DeliveryType.BROADCAST && (target == null || target.isEmpty())) {
            throw new InvalidEnvelopeException("target is required for type " + type);
        }
        if (!EventNames.isEmittable(event)) {
            throw new InvalidEnvelopeException("event is missing, malformed or reserved");
        }
        Envelope envelope = new Envelope(
                serverId,
                deliveryType,
                deliveryType == DeliveryType.BROADCAST ? null : target,
                event,
                data,
                exclude,
                from,
                offset,
                traceId,
                ts,
                leave,
                leaveSparesAdmins);
        if (signed) {
            return envelope;
        }
        if (EventNames.isPresenceNotice(event)) {
            throw new InvalidEnvelopeException(event + " without a valid pod signature");
        }
        return envelope.withoutPodFields();
    }

    private Disconnect disconnect(String serverId, String target, String data) throws InvalidEnvelopeException {
        JsonNode fields = tree(data);
        String scope = fields.path("scope").asText();
        String reason = fields.path("reason").asText(null);
        if (target == null || target.isEmpty() || reason == null || !(scope.equals("user") || scope.equals("client"))) {
            throw new InvalidEnvelopeException("a disconnect needs target, data.scope and data.reason");
        }
        return scope.equals("user")
                ? new Disconnect(serverId, target, null, reason)
                : new Disconnect(serverId, null, target, reason);
    }

    private RevocationNotice revocation(String serverId, String data) throws InvalidEnvelopeException {
        JsonNode fields = tree(data);
        if (!fields.path("id").canConvertToLong()) {
            throw new InvalidEnvelopeException("a revocation needs data.id");
        }
        long id = fields.path("id").asLong();
        if (fields.path("lifted").asBoolean()) {
            return new RevocationNotice(serverId, true, id, null, 0, null, 0, 0, null);
        }
        String user = fields.path("user").asText(null);
        String jti = fields.path("jti").asText(null);
        if ((user == null) == (jti == null) || !fields.path("expiresAt").canConvertToLong()) {
            throw new InvalidEnvelopeException("a revocation names a user or a jti, and its expiresAt");
        }
        return new RevocationNotice(
                serverId,
                false,
                id,
                user,
                fields.path("issuedBefore").asLong(),
                jti,
                fields.path("exp").asLong(),
                fields.path("expiresAt").asLong(),
                fields.path("createdAt").asText(""));
    }

    private SessionsQuery sessionsQuery(String serverId, String target, String data) throws InvalidEnvelopeException {
        JsonNode fields = tree(data);
        if (target == null || target.isEmpty() || !fields.path("id").canConvertToLong()) {
            throw new InvalidEnvelopeException("a sessions query needs target and data.id");
        }
        return new SessionsQuery(serverId, target, fields.path("id").asLong());
    }

    private SessionsReply sessionsReply(String serverId, String target, String data) throws InvalidEnvelopeException {
        JsonNode fields = tree(data);
        JsonNode items = fields.path("items");
        if (target == null
                || target.isEmpty()
                || !fields.path("id").canConvertToLong()
                || !items.isArray()
                || items.size() > SessionsReply.MAX_ITEMS) {
            throw new InvalidEnvelopeException("a sessions reply needs target, data.id and data.items");
        }
        List<SessionInfo> sessions = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            sessions.add(new SessionInfo(
                    item.path("client").asText(),
                    item.path("pod").asText(),
                    item.path("transport").asText(),
                    item.path("connectedAt").asText(),
                    item.path("rooms").asInt(),
                    item.path("encrypted").asBoolean()));
        }
        return new SessionsReply(serverId, target, fields.path("id").asLong(), sessions);
    }

    private JsonNode tree(String data) throws InvalidEnvelopeException {
        if (data == null) {
            throw new InvalidEnvelopeException("a notice needs data");
        }
        try {
            JsonNode tree = mapper.readTree(data);
            if (!tree.isObject()) {
                throw new InvalidEnvelopeException("a notice's data is an object");
            }
            return tree;
        } catch (IOException e) {
            throw new InvalidEnvelopeException("a notice's data is not JSON");
        }
    }

    private static ClientCommand command(
            String serverId, String clientId, String userId, List<String> frames, boolean signed)
            throws InvalidEnvelopeException {
        if (!signed) {
            throw new InvalidEnvelopeException("command without a valid pod signature");
        }
        if (clientId == null || clientId.isEmpty() || userId == null || userId.isEmpty()) {
            throw new InvalidEnvelopeException("a command needs target and userId");
        }
        if (frames == null || frames.isEmpty()) {
            throw new InvalidEnvelopeException("a command needs frames");
        }
        return new ClientCommand(serverId, clientId, userId, frames);
    }

    /** A command's frames: 1 to {@link ClientCommand#MAX_FRAMES} JSON objects, each kept as its text. */
    private List<String> frames(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new InvalidEnvelopeException("frames must be an array of objects");
        }
        List<String> frames = new ArrayList<>(4);
        JsonToken item;
        while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
            if (item != JsonToken.START_OBJECT || frames.size() == ClientCommand.MAX_FRAMES) {
                throw new InvalidEnvelopeException(
                        "frames must be an array of at most " + ClientCommand.MAX_FRAMES + " objects");
            }
            frames.add(copyRaw(p));
        }
        return frames;
    }

    private String copyRaw(JsonParser p) throws IOException {
        StringWriter raw = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(raw)) {
            g.copyCurrentStructure(p);
        }
        return raw.toString();
    }

    private static String text(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw new InvalidEnvelopeException(field + " must be a string");
        }
        return p.getText();
    }

    private static boolean atEnd(JsonParser p) {
        try {
            return p.nextToken() == null;
        } catch (IOException trailingText) {
            return false;
        }
    }

    private static long offset(JsonParser p, JsonToken value) throws IOException {
        long offset = number(p, value, "offset");
        if (offset < 1) {
            throw new InvalidEnvelopeException("offset must be 1 or more");
        }
        return offset;
    }

    private static boolean bool(JsonToken value, String field) throws InvalidEnvelopeException {
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new InvalidEnvelopeException(field + " must be a boolean");
        }
        return value == JsonToken.VALUE_TRUE;
    }

    private static long number(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidEnvelopeException(field + " must be a 64-bit integer");
        }
        return p.getLongValue();
    }

    private static List<String> strings(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            throw new InvalidEnvelopeException("exclude must be an array of client ids");
        }
        List<String> values = new ArrayList<>(2);
        JsonToken item;
        while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
            values.add(text(p, item, "exclude[]"));
        }
        return values;
    }

    private static Sender sender(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw new InvalidEnvelopeException("from must be an object");
        }
        String userId = null;
        String clientId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken item = p.nextToken();
            switch (field) {
                case "userId" -> userId = text(p, item, "from.userId");
                case "clientId" -> clientId = text(p, item, "from.clientId");
                default -> p.skipChildren();
            }
        }
        return new Sender(userId, clientId);
    }
}
