package dev.roomcast.security;

/**
 * What a connection keeps of its JWT: the user, whether it is an admin, when the token expires and when it was issued
 * (epoch seconds), and its {@code jti} (null when it has none), which revocations match. The raw token and its other
 * claims are not kept.
 */
public record VerifiedToken(
        String userId, boolean admin, long expiresAtEpochSecond, long issuedAtEpochSecond, String tokenId) {}
