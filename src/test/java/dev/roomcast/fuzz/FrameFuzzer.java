package dev.roomcast.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates client frames for one fuzzing connection from a seeded {@link Random}: every client event of PROTOCOL.md,
 * valid (against the connection's own rooms) or mutated (wrong types, missing and extra fields, huge and deep values,
 * control characters, numbers at the edges), unknown and reserved events, broken envelopes and text that is not JSON.
 * The same seed gives the same frames.
 */
final class FrameFuzzer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] EVENTS = {
        "authenticate",
        "heartbeat",
        "ping",
        "refresh",
        "join",
        "leave",
        "publish",
        "presence.get",
        "typing",
        "read",
        "message.send",
        "message.edit",
        "message.delete",
        "message.pin",
        "message.unpin",
        "reaction.add",
        "reaction.remove"
    };
    private static final String[] RESERVED = {"connected", "ack", "error", "pong", "reconnect", "encrypted", "close"};
    private static final String[] CONTROL = {"\u0000", "\u0001", "\u0007", "\b", "\r", "\n", "\t", "\u001b", "\u007f"};
    private static final Object[] EDGE_NUMBERS = {
        0,
        -1,
        1,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE,
        Long.MAX_VALUE,
        Long.MIN_VALUE,
        1.5,
        -0.0,
        1e308,
        new BigInteger("99999999999999999999999999")
    };

    private final Random random;
    private final String liveRoom;
    private final String chatRoom;
    private final String ownToken;
    private final String otherToken;
    private long ids;
    /** Message ids seen in acks, so that edits, reactions and pins can hit real messages. */
    private final List<Long> messages = new ArrayList<>();

    FrameFuzzer(long seed, String liveRoom, String chatRoom, String ownToken, String otherToken) {
        this.random = new Random(seed);
        this.liveRoom = liveRoom;
        this.chatRoom = chatRoom;
        this.ownToken = ownToken;
        this.otherToken = otherToken;
    }

    /** One generated frame: its text and the id it carries as a string (null when it has none that can be answered). */
    record Frame(String text, String id, boolean valid) {}

    void messageSeen(long id) {
        if (messages.size() < 100) {
            messages.add(id);
        }
    }

    Frame next() {
        int choice = random.nextInt(100);
        if (choice < 25) {
            return valid();
        }
        if (choice < 85) {
            return mutated();
        }
        if (choice < 92) {
            return unknownEvent();
        }
        return brokenEnvelope();
    }

    /** A frame the server accepts as well-formed (it may still refuse it: rate limits, rooms not joined). */
    Frame valid() {
        String event = EVENTS[random.nextInt(EVENTS.length)];
        return frame(event, validData(event), true);
    }

    private Frame mutated() {
        String event = EVENTS[random.nextInt(EVENTS.length)];
        ObjectNode data = validData(event);
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            mutate(data);
        }
        if (random.nextInt(10) == 0) {
            return frame(event, wrongValue(), false); // data not an object at all
        }
        return frame(event, data, false);
    }

    private Frame unknownEvent() {
        String event = switch (random.nextInt(4)) {
            case 0 -> RESERVED[random.nextInt(RESERVED.length)];
            case 1 -> "x." + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            case 2 -> randomString(1 + random.nextInt(100)); // malformed names, control characters included
            default -> "a".repeat(65); // one over the name's length
        };
        return frame(event, NODES.objectNode().put("any", random.nextInt()), false);
    }

    private Frame brokenEnvelope() {
        String id = nextId();
        String start = "{\"event\":\"ping\",\"id\":\"" + id + "\"";
        // Answerable: the server can still read the id (it reads the whole frame after a type error, and up to the
        // point where the text stops being JSON), so exactly one reply carries it.
        return switch (random.nextInt(12)) {
            case 0 -> new Frame("{\"event\":" + JSON.valueToTree(wrongValue()) + ",\"id\":\"" + id + "\"}", id, false);
            case 1 -> new Frame("{\"event\":\"ping\",\"id\":" + JSON.valueToTree(wrongValue()) + "}", null, false);
            case 2 ->
                new Frame(start + ",\"traceId\":\"" + escape(randomString(1 + random.nextInt(80))) + "\"}", id, false);
            case 3 ->
                new Frame(
                        "{\"event\":\"join\",\"id\":\"" + id + "\",\"data\":" + JSON.valueToTree(wrongValue()) + "}",
                        id,
                        false);
            case 4 -> new Frame(start, id, false); // truncated
            case 5 -> new Frame("[\"event\",\"ping\"]", null, false);
            case 6 -> new Frame("", null, false);
            case 7 -> new Frame("not json at all " + random.nextInt(), null, false);
            case 8 -> new Frame(start + "} {\"event\":\"ping\"}", id, false);
            case 9 -> new Frame("{\"id\":\"" + id + "\"}", id, false);
            case 10 -> new Frame(start + ",\"data\":{\"d\":" + deep(200 + random.nextInt(2000)) + "}}", id, false);
            default -> new Frame("\"just a string\"", null, false);
        };
    }

    private Frame frame(String event, Object data, boolean valid) {
        ObjectNode frame = NODES.objectNode().put("event", event);
        String id = random.nextInt(5) == 0 ? null : nextId();
        if (id != null) {
            frame.put("id", id);
        }
        if (random.nextInt(20) == 0) {
            frame.put("traceId", "fuzz/" + ids);
        }
        if (data != null && !(data instanceof ObjectNode object && object.isEmpty() && random.nextBoolean())) {
            frame.set("data", JSON.valueToTree(data));
        }
        if (random.nextInt(15) == 0) {
            frame.put("extra" + random.nextInt(5), random.nextInt());
        }
        return new Frame(frame.toString(), id, valid);
    }

    private ObjectNode validData(String event) {
        ObjectNode data = NODES.objectNode();
        switch (event) {
            case "authenticate", "refresh" -> data.put("token", random.nextBoolean() ? ownToken : otherToken);
            case "join" -> {
                ArrayNode rooms = data.putArray("rooms");
                rooms.add(random.nextBoolean() ? liveRoom : chatRoom);
                if (random.nextBoolean()) {
                    rooms.add("live:fuzz-" + random.nextInt(20));
                }
                if (random.nextInt(4) == 0) {
                    data.putObject("since")
                            .putObject(chatRoom)
                            .put("offset", random.nextInt(5))
                            .put("epoch", "e" + random.nextInt(3));
                }
            }
            case "leave" -> data.putArray("rooms").add("live:fuzz-" + random.nextInt(20));
            case "publish" ->
                data.put("room", liveRoom)
                        .put("event", "fuzz.event")
                        .putObject("data")
                        .put("n", random.nextInt());
            case "presence.get" -> data.put("room", random.nextBoolean() ? liveRoom : chatRoom);
            case "typing" -> data.put("room", chatRoom).put("isTyping", random.nextBoolean());
            case "read" -> data.put("room", chatRoom).put("offset", random.nextInt(50));
            case "message.send" -> {
                data.put("room", chatRoom)
                        .put("text", "fuzz " + random.nextInt())
                        .put("clientMsgId", "c" + random.nextInt(200));
                if (!messages.isEmpty() && random.nextInt(4) == 0) {
                    data.put("threadId", someMessage());
                }
            }
            case "message.edit" -> data.put("messageId", someMessage()).put("text", "edited " + random.nextInt());
            case "reaction.add", "reaction.remove" ->
                data.put("messageId", someMessage()).put("emoji", "👍");
            case "message.delete", "message.pin", "message.unpin" -> data.put("messageId", someMessage());
            default -> {}
        }
        return data;
    }

    private long someMessage() {
        return messages.isEmpty() || random.nextInt(5) == 0
                ? random.nextInt(1_000_000)
                : messages.get(random.nextInt(messages.size()));
    }

    private void mutate(ObjectNode data) {
        List<String> fields = new ArrayList<>();
        data.fieldNames().forEachRemaining(fields::add);
        String field = fields.isEmpty() ? "room" : fields.get(random.nextInt(fields.size()));
        switch (random.nextInt(9)) {
            case 0 -> data.remove(field);
            case 1 -> data.set(field, JSON.valueToTree(wrongValue()));
            case 2 -> data.put("unexpected" + random.nextInt(3), randomString(10));
            case 3 -> data.put(field, "x".repeat(1000 + random.nextInt(60_000))); // huge, some over the frame limit
            case 4 -> data.set(field, JSON.valueToTree(deepNode(20 + random.nextInt(400))));
            case 5 -> data.put(field, randomString(1 + random.nextInt(40)));
            case 6 -> data.set(field, JSON.valueToTree(EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)]));
            case 7 -> {
                ArrayNode many = data.putArray(field);
                int count = random.nextBoolean() ? 101 + random.nextInt(2000) : random.nextInt(5);
                for (int i = 0; i < count; i++) {
                    many.add(random.nextInt(3) == 0 ? NODES.numberNode(i) : NODES.textNode("live:many-" + i));
                }
            }
            default -> data.put(field, "chat:" + randomString(random.nextInt(140)));
        }
    }

    private Object wrongValue() {
        return switch (random.nextInt(7)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextBoolean();
            case 2 -> List.of(1, "two", List.of());
            case 3 -> NODES.nullNode();
            case 4 -> randomString(random.nextInt(30));
            case 5 -> EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)];
            default -> NODES.objectNode().put("nested", "object");
        };
    }

    /** A string of printable, unicode and control characters. */
    private String randomString(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> text.append(CONTROL[random.nextInt(CONTROL.length)]);
                case 1 -> text.append("\uD83D\uDE00");
                case 2 -> text.append((char) (0x00A0 + random.nextInt(0x2000)));
                case 3 -> text.append("\"\\/<>&'");
                default -> text.append((char) ('a' + random.nextInt(26)));
            }
        }
        return text.toString();
    }

    private static JsonNode deepNode(int depth) {
        JsonNode node = NODES.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("d", node);
        }
        return node;
    }

    private static String deep(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String escape(String text) {
        String quoted = NODES.textNode(text).toString();
        return quoted.substring(1, quoted.length() - 1);
    }

    private String nextId() {
        return "f" + (++ids);
    }
}
