package dev.roomcast.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This pod's copy of the token revocations in force (PROTOCOL.md section 12), read by every token check (handshake,
 * {@code authenticate}, {@code refresh}, the HTTP API) and by each session's sweep: a map lookup by user and one by
 * {@code jti}, never a database query. Kept current by the admin package (loaded from PostgreSQL at start and after
 * every loss of the link to the other pods, changed by their notices). Lookups run on any thread; changes are
 * serialized here, and each bumps {@link #version()} so that live sessions check their tokens again.
 */
@ApplicationScoped
public class Revocations {

    /** One revocation: a user's tokens issued before a cutoff, or one token by its {@code jti}. */
    public record Entry(long id, String userId, long issuedBefore, String jti, long exp, long expiresAt) {

        public boolean isUserForm() {
            return userId != null;
        }
    }

    private final Map<Long, Entry> byId = new HashMap<>();
    /** For each user with revocations in force, the latest cutoff among them. */
    private final Map<String, Long> cutoffs = new ConcurrentHashMap<>();

    private final Map<String, Long> jtis = new ConcurrentHashMap<>();
    private volatile long version;
    /** Until the pod has read the revocations once, it accepts no token: it cannot tell a revoked one. */
    private volatile boolean loaded;

    /**
     * Whether the token is revoked: issued before its user's cutoff, or its {@code jti} revoked; every token is, until
     * the revocations were read once.
     */
    public boolean revokes(String userId, long issuedAtEpochSecond, String tokenId) {
        if (!loaded) {
            return true;
        }
        if (!cutoffs.isEmpty()) {
            Long cutoff = cutoffs.get(userId);
            if (cutoff != null && issuedAtEpochSecond < cutoff) {
                return true;
            }
        }
        return tokenId != null && !jtis.isEmpty() && jtis.containsKey(tokenId);
    }

    public boolean revokes(VerifiedToken token) {
        return revokes(token.userId(), token.issuedAtEpochSecond(), token.tokenId());
    }

    /** Changes with every change of the revocations in force. */
    public long version() {
        return version;
    }

    /** Whether the revocations were read from the database once (readiness). */
    public boolean loaded() {
        return loaded;
    }

    /** Revocations in force on this pod. */
    public synchronized int size() {
        return byId.size();
    }

    /** Everything in force, as read from the database: replaces what was held. */
    public synchronized void replaceAll(Collection<Entry> entries) {
        byId.clear();
        for (Entry entry : entries) {
            byId.put(entry.id(), entry);
        }
        rebuild();
        loaded = true;
    }

    public synchronized void add(Entry entry) {
        byId.put(entry.id(), entry);
        if (entry.isUserForm()) {
            cutoffs.merge(entry.userId(), entry.issuedBefore(), Math::max);
        } else {
            jtis.put(entry.jti(), entry.id());
        }
        version++;
    }

    public synchronized void lift(long id) {
        if (byId.remove(id) != null) {
            rebuild();
        }
    }

    /**
     * Drops what no valid token can match any more ({@code expiresAt} passed).
     *
     * @return whether anything was dropped
     */
    public synchronized boolean expire(long nowEpochSecond) {
        if (byId.values().removeIf(entry -> entry.expiresAt() <= nowEpochSecond)) {
            rebuild();
            return true;
        }
        return false;
    }

    private void rebuild() {
        Map<String, Long> users = new HashMap<>();
        Map<String, Long> tokens = new HashMap<>();
        for (Entry entry : byId.values()) {
            if (entry.isUserForm()) {
                users.merge(entry.userId(), entry.issuedBefore(), Math::max);
            } else {
                tokens.put(entry.jti(), entry.id());
            }
        }
        cutoffs.keySet().retainAll(users.keySet());
        cutoffs.putAll(users);
        jtis.keySet().retainAll(tokens.keySet());
        jtis.putAll(tokens);
        version++;
    }
}
