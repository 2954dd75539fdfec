package dev.roomcast.protocol;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process's identity in the cluster. The {@code serverId} is random per start, so client ids
 * ({@code {serverId}.{sequence}}) are unique across pods and restarts, and a restarted pod never mistakes
 * another's traffic for its own. It is also the {@code pod} of the {@code connected} frame.
 */
@ApplicationScoped
public class NodeIdentity {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int SERVER_ID_LENGTH = 10;
    /** A positive long in base 36. */
    private static final int MAX_SEQUENCE_DIGITS = 13;

    private final String serverId;
    private final AtomicLong sequence = new AtomicLong();

    NodeIdentity() {
        SecureRandom random = new SecureRandom();
        char[] id = new char[SERVER_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        // Only [a-z2-7]: no glob characters, so ws:client:{serverId}.* matches exactly this pod's clients.
        this.serverId = new String(id);
    }

    public String serverId() {
        return serverId;
    }

    public String nextClientId() {
        return serverId + "." + Long.toString(sequence.incrementAndGet(), 36);
    }

    /**
     * The server id a client id of the cluster starts with: the pod that holds (or held) the session.
     *
     * @return null when the text is not a client id any pod would give
     */
    public static String serverIdOf(String clientId) {
        int dot = clientId.indexOf('.');
        if (dot != SERVER_ID_LENGTH
                || clientId.length() == dot + 1
                || clientId.length() > dot + 1 + MAX_SEQUENCE_DIGITS) {
            return null;
        }
        for (int i = 0; i < dot; i++) {
            if (!isAlphabet(clientId.charAt(i))) {
                return null;
            }
        }
        for (int i = dot + 1; i < clientId.length(); i++) {
            char c = clientId.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z')) {
                return null;
            }
        }
        return clientId.substring(0, dot);
    }

    private static boolean isAlphabet(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
    }
}
