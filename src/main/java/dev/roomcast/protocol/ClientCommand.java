package dev.roomcast.protocol;

import java.util.List;

/**
 * Client frames POSTed for an SSE session to a pod that does not hold it (PROTOCOL.md section 11): published on the
 * session's client channel as {@code {"serverId","type":"command","target":CLIENT_ID,"userId","frames":[...]}}, always
 * signed, and executed in publish order by the pod that holds the session. Each frame is kept as its JSON text, as it
 * would have arrived on a socket.
 *
 * @param userId the user whose token the POST carried; the holding pod executes nothing for another user's session
 */
public record ClientCommand(String serverId, String clientId, String userId, List<String> frames)
        implements PodMessage {

    /** The body's {@code type}. */
    public static final String TYPE = "command";

    /** Frames one POST (and so one command) may carry. */
    public static final int MAX_FRAMES = 20;

    public ClientCommand {
        frames = List.copyOf(frames);
    }

    @Override
    public String channel() {
        return Channels.client(clientId);
    }
}
