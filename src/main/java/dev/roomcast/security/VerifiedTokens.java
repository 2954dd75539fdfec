package dev.roomcast.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokens a pod verified lately, by their exact text: the same characters carry the same, already checked,
 * signature and claims, so a token presented again skips parsing and the signature check. What changes with time is
 * checked on every use: a remembered token past its expiry (and the clock skew) is forgotten and refused. Only valid
 * tokens are remembered, at most {@code capacity} of them and each of at most {@link #MAX_TOKEN_LENGTH} characters,
 * least recently used first out: bounded memory whatever clients send. Shared by the event loops; each use holds the
 * lock for a map lookup only.
 */
final class VerifiedTokens {

    static final int MAX_TOKEN_LENGTH = 4096;

    private final int capacity;
    private final long clockSkewSeconds;
    private final LinkedHashMap<String, VerifiedToken> tokens;

    VerifiedTokens(int capacity, long clockSkewSeconds) {
        this.capacity = capacity;
        this.clockSkewSeconds = clockSkewSeconds;
        this.tokens = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, VerifiedToken> eldest) {
                return size() > VerifiedTokens.this.capacity;
            }
        };
    }

    /** The remembered verification of this exact token, if it is still within its expiry; else null. */
    VerifiedToken get(String token, long nowEpochSecond) {
        if (capacity == 0) {
            return null;
        }
        synchronized (tokens) {
            VerifiedToken verified = tokens.get(token);
            if (verified != null && nowEpochSecond > verified.expiresAtEpochSecond() + clockSkewSeconds) {
                tokens.remove(token);
                return null;
            }
            return verified;
        }
    }

    void put(String token, VerifiedToken verified) {
        if (capacity == 0 || token.length() > MAX_TOKEN_LENGTH) {
            return;
        }
        synchronized (tokens) {
            tokens.put(token, verified);
        }
    }

    int size() {
        synchronized (tokens) {
            return tokens.size();
        }
    }
}
