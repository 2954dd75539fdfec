package dev.roomcast.transport;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.roomcast.error.RoomcastException;
import dev.roomcast.protocol.ClientCommand;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code POST /sse/{clientId}}: one client frame, or an array of 1 to {@link ClientCommand#MAX_FRAMES}
 * (PROTOCOL.md section 11). Only the shape is checked here (JSON objects); each frame is then judged as a socket's
 * frame is, and refused on the stream.
 */
final class PostedFrames {

    private PostedFrames() {}

    /**
     * @return each frame's JSON text, in order
     * @throws RoomcastException BAD_REQUEST for any other body
     */
    static List<String> parse(JsonFactory factory, String body) {
        try (JsonParser p = factory.createParser(body)) {
            JsonToken first = p.nextToken();
            List<String> frames = new ArrayList<>(1);
            if (first == JsonToken.START_OBJECT) {
                frames.add(copy(factory, p));
            } else if (first == JsonToken.START_ARRAY) {
                JsonToken item;
                while ((item = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (item != JsonToken.START_OBJECT) {
                        throw RoomcastException.badRequest("each element must be a frame (a JSON object)");
                    }
                    if (frames.size() == ClientCommand.MAX_FRAMES) {
                        throw RoomcastException.badRequest(
                                "at most " + ClientCommand.MAX_FRAMES + " frames per request");
                    }
                    frames.add(copy(factory, p));
                }
                if (frames.isEmpty()) {
                    throw RoomcastException.badRequest("no frame in the array");
                }
            } else {
                throw RoomcastException.badRequest("the body must be a frame or an array of frames");
            }
            if (p.nextToken() != null) {
                throw RoomcastException.badRequest("the body must be exactly one JSON value");
            }
            return frames;
        } catch (IOException e) {
            throw RoomcastException.badRequest("the body is not valid JSON");
        }
    }

    private static String copy(JsonFactory factory, JsonParser p) throws IOException {
        StringWriter frame = new StringWriter(128);
        try (JsonGenerator g = factory.createGenerator(frame)) {
            g.copyCurrentStructure(p);
        }
        return frame.toString();
    }
}
