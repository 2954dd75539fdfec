package dev.roomcast.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates HTTP requests from the service's own OpenAPI document, every operation in turn: each path and query
 * parameter it declares given a valid, a malformed, an over-long or a hostile value (control characters, edges of
 * numbers, traversal), each body generated from its schema and then broken (wrong types, missing and extra fields, huge
 * and deep values, not JSON), with a token of a user, of an admin, a bad one or none. Seeded: the same seed gives the
 * same requests.
 */
final class RestFuzzer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] HOSTILE = {
        "\u0000",
        "a\nb",
        "\r\n",
        "../../etc/passwd",
        "%00",
        "'; drop table rooms; --",
        "\uD83D\uDE00",
        "\u202Etxt",
        "",
        " ",
        "-1",
        "0",
        "9223372036854775807",
        "9223372036854775808",
        "1e9",
        "null",
        "true",
        "[]",
        "{}",
        "chat:",
        ":",
        "chat:a:b",
        "user:x",
        "live:ok"
    };

    private final Random random;
    private final JsonNode document;
    private final List<Operation> operations = new ArrayList<>();
    private final Credentials credentials;
    private final List<String> rooms;
    private int turn;

    /** Tokens the requests may carry: users of the fuzz, an admin, and tokens the service must refuse. */
    record Credentials(List<String> users, String admin, List<String> refused) {}

    /** One request, described for failure messages. */
    record Generated(HttpRequest request, String description) {}

    private record Operation(String method, String path, List<JsonNode> parameters, JsonNode bodySchema) {}

    RestFuzzer(long seed, JsonNode openApi, Credentials credentials, List<String> rooms) {
        this.random = new Random(seed);
        this.document = openApi;
        this.credentials = credentials;
        this.rooms = rooms;
        for (Iterator<Map.Entry<String, JsonNode>> paths = openApi.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            List<JsonNode> shared = new ArrayList<>();
            path.getValue().path("parameters").forEach(shared::add);
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (method.getKey().equals("parameters")) {
                    continue;
                }
                List<JsonNode> parameters = new ArrayList<>(shared);
                method.getValue().path("parameters").forEach(parameters::add);
                JsonNode body = method.getValue()
                        .path("requestBody")
                        .path("content")
                        .path("application/json")
                        .path("schema");
                operations.add(new Operation(
                        method.getKey().toUpperCase(),
                        path.getKey(),
                        parameters,
                        body.isMissingNode() ? null : resolve(body)));
            }
        }
        if (operations.isEmpty()) {
            throw new IllegalStateException("the OpenAPI document lists no operation");
        }
    }

    /** Every operation of the document, as method and path: what the fuzz covers. */
    List<String> operations() {
        return operations.stream()
                .map(operation -> operation.method() + " " + operation.path())
                .toList();
    }

    Generated next(URI base) {
        Operation operation = operations.get(turn++ % operations.size());
        String path = operation.path();
        StringBuilder query = new StringBuilder();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.path("name").asText();
            String in = parameter.path("in").asText();
            if (in.equals("path")) {
                path = path.replace("{" + name + "}", encode(pathValue(name)));
            } else if (in.equals("query") && random.nextInt(3) > 0) {
                query.append(query.isEmpty() ? "?" : "&")
                        .append(name)
                        .append('=')
                        .append(encode(queryValue(parameter)));
            }
        }
        if (random.nextInt(10) == 0) {
            query.append(query.isEmpty() ? "?" : "&").append("unexpected=").append(encode(hostile()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(base.toString().replaceAll("/+$", "") + path + query))
                .timeout(Duration.ofSeconds(30));
        String token = token();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        String body = operation.bodySchema() == null && random.nextInt(8) > 0 ? null : body(operation.bodySchema());
        if (body != null) {
            request.header("Content-Type", random.nextInt(20) == 0 ? "text/plain" : "application/json");
            request.method(operation.method(), HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            request.method(operation.method(), HttpRequest.BodyPublishers.noBody());
        }
        String description = operation.method() + " " + path + query + (body == null ? "" : " body " + abbreviate(body))
                + (token == null ? " (no token)" : "");
        return new Generated(request.build(), description);
    }

    private String pathValue(String name) {
        int choice = random.nextInt(10);
        if (choice < 5) {
            return switch (name) {
                case "room" -> rooms.get(random.nextInt(rooms.size()));
                case "userId" -> credentials.users().isEmpty() ? "someone" : "fuzz-user-" + random.nextInt(10);
                case "id" ->
                    Long.toString(random.nextInt(3) == 0 ? random.nextInt(1000) : random.nextInt(1_000_000_000));
                default -> "value";
            };
        }
        if (choice < 7) {
            return hostile();
        }
        if (choice < 8) {
            return "chat:" + "x".repeat(120 + random.nextInt(300)); // over the name's length
        }
        if (choice < 9) {
            return "u".repeat(250 + random.nextInt(20)); // around the user id's length
        }
        return randomText(1 + random.nextInt(40));
    }

    private String queryValue(JsonNode parameter) {
        String type = parameter.path("schema").path("type").asText();
        return switch (random.nextInt(5)) {
            case 0 -> hostile();
            case 1 -> Long.toString(random.nextLong());
            case 2 ->
                type.equals("boolean")
                        ? Boolean.toString(random.nextBoolean())
                        : Integer.toString(random.nextInt(250) - 20);
            case 3 -> "x".repeat(random.nextInt(3000));
            default -> randomText(1 + random.nextInt(20));
        };
    }

    private String body(JsonNode schema) {
        int choice = random.nextInt(20);
        if (choice == 0) {
            return "{\"unterminated\": ";
        }
        if (choice == 1) {
            return "not json " + hostile();
        }
        if (choice == 2) {
            return "[".repeat(3000) + "]".repeat(3000);
        }
        if (choice == 3) {
            return JSON.valueToTree(List.of(1, 2, 3)).toString();
        }
        ObjectNode body = sample(schema);
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(body);
        }
        return body.toString();
    }

    /** A body that follows the schema: each declared property with a plausible value. */
    private ObjectNode sample(JsonNode schema) {
        ObjectNode body = NODES.objectNode();
        if (schema == null) {
            return body;
        }
        for (Iterator<Map.Entry<String, JsonNode>> properties =
                        schema.path("properties").fields();
                properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            JsonNode type = resolve(property.getValue());
            String name = property.getKey();
            switch (name) {
                case "room" ->
                    body.put(
                            name,
                            random.nextBoolean()
                                    ? rooms.get(random.nextInt(rooms.size()))
                                    : "chat:fuzz-" + random.nextInt(1000));
                case "type" ->
                    body.put(
                            name, List.of("room", "user", "client", "broadcast").get(random.nextInt(4)));
                case "target" ->
                    body.put(
                            name,
                            random.nextBoolean()
                                    ? "live:fuzz-" + random.nextInt(5)
                                    : "fuzz-user-" + random.nextInt(10));
                case "event" -> body.put(name, "fuzz.rest");
                case "text" -> body.put(name, "rest fuzz " + random.nextInt());
                case "clientMsgId" -> body.put(name, "r" + random.nextInt(100));
                default -> body.set(name, value(type));
            }
        }
        return body;
    }

    private JsonNode value(JsonNode schema) {
        return switch (schema.path("type").asText()) {
            case "integer", "number" -> NODES.numberNode(random.nextInt(1000));
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "array" -> NODES.arrayNode().add("a." + random.nextInt(10));
            case "object" -> NODES.objectNode().put("k", random.nextInt());
            default -> NODES.textNode("s" + random.nextInt(100));
        };
    }

    private void mutate(ObjectNode body) {
        List<String> fields = new ArrayList<>();
        body.fieldNames().forEachRemaining(fields::add);
        String field = fields.isEmpty() ? "extra" : fields.get(random.nextInt(fields.size()));
        switch (random.nextInt(8)) {
            case 0 -> body.remove(field);
            case 1 -> body.put(field, hostile());
            case 2 -> body.put(field, random.nextLong());
            case 3 -> body.set(field, NODES.arrayNode().add(1).add("two"));
            case 4 -> body.put(field, "y".repeat(1000 + random.nextInt(20_000)));
            case 5 -> body.putNull(field);
            case 6 -> body.put("extra" + random.nextInt(3), randomText(10));
            default ->
                body.set(
                        field,
                        NODES.objectNode()
                                .set(
                                        "deep",
                                        NODES.arrayNode().add(NODES.arrayNode().add(1))));
        }
    }

    private String token() {
        int choice = random.nextInt(10);
        if (choice < 7) {
            return credentials.users().get(random.nextInt(credentials.users().size()));
        }
        if (choice < 8) {
            return credentials.admin();
        }
        if (choice < 9) {
            return credentials
                    .refused()
                    .get(random.nextInt(credentials.refused().size()));
        }
        return null;
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText(null);
        if (ref == null) {
            return schema;
        }
        JsonNode target = document;
        for (String part : ref.substring(2).split("/")) {
            target = target.path(part);
        }
        return target;
    }

    private String hostile() {
        return HOSTILE[random.nextInt(HOSTILE.length)];
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x20) : (char) (0x21 + random.nextInt(0x2FF)));
        }
        return text.toString();
    }

    /** Percent-encodes every byte outside the unreserved set, so that anything at all can travel in a path segment. */
    private static String encode(String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == ':'
                    || c == '@') {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return encoded.toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...(" + text.length() + " chars)";
    }
}
