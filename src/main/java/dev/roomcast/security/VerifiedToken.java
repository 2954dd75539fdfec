package dev.roomcast.security;

/**
 * What a connection keeps of its JWT: the user, whether it is an admin, and when the token expires
 * ({@code Long.MAX_VALUE} when it carries no {@code exp}). The raw token and its claims are not kept.
 */
public record VerifiedToken(String userId, boolean admin, long expiresAtEpochSecond) {}
