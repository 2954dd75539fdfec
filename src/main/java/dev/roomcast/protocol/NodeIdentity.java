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
}
