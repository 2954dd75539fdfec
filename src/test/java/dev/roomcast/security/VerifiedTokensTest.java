package dev.roomcast.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** {@link VerifiedTokens}: remembered by exact text, expiry checked on every use, bounded in count and size. */
class VerifiedTokensTest {

    private static final long NOW = 1_800_000_000L;
    private static final long SKEW = 60;

    @Test
    void remembersAVerifiedTokenByItsExactText() {
        VerifiedTokens tokens = new VerifiedTokens(10, SKEW);
        VerifiedToken alice = new VerifiedToken("alice", false, NOW + 3600, NOW - 60, null);
        tokens.put("header.payload.signature", alice);
        assertSame(alice, tokens.get("header.payload.signature", NOW));
        assertNull(tokens.get("header.payload.signaturf", NOW), "another text is another token");
        assertNull(tokens.get("header.payload.signatur", NOW));
    }

    @Test
    void forgetsATokenOnceItsExpiryAndTheSkewHavePassed() {
        VerifiedTokens tokens = new VerifiedTokens(10, SKEW);
        VerifiedToken alice = new VerifiedToken("alice", false, NOW, NOW - 60, null);
        tokens.put("t", alice);
        assertSame(alice, tokens.get("t", NOW + SKEW), "within the skew, as the parser accepts it");
        assertNull(tokens.get("t", NOW + SKEW + 1));
        assertEquals(0, tokens.size(), "and it is gone");
        assertNull(tokens.get("t", NOW), "even for a clock that went back");
    }

    @Test
    void aTokenWithoutExpiryStays() {
        VerifiedTokens tokens = new VerifiedTokens(10, SKEW);
        VerifiedToken forever = new VerifiedToken("svc", true, Long.MAX_VALUE - SKEW, NOW - 60, null);
        tokens.put("t", forever);
        assertSame(forever, tokens.get("t", Long.MAX_VALUE / 2));
    }

    @Test
    void keepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        VerifiedTokens tokens = new VerifiedTokens(2, SKEW);
        tokens.put("a", new VerifiedToken("a", false, NOW + 60, NOW - 60, null));
        tokens.put("b", new VerifiedToken("b", false, NOW + 60, NOW - 60, null));
        tokens.get("a", NOW); // a is now the most recently used
        tokens.put("c", new VerifiedToken("c", false, NOW + 60, NOW - 60, null));
        assertEquals(2, tokens.size());
        assertNull(tokens.get("b", NOW));
        assertEquals("a", tokens.get("a", NOW).userId());
        assertEquals("c", tokens.get("c", NOW).userId());
    }

    @Test
    void doesNotRememberLongTokens() {
        VerifiedTokens tokens = new VerifiedTokens(10, SKEW);
        String longToken = "x".repeat(VerifiedTokens.MAX_TOKEN_LENGTH + 1);
        tokens.put(longToken, new VerifiedToken("alice", false, NOW + 60, NOW - 60, null));
        assertNull(tokens.get(longToken, NOW));
        String longest = "x".repeat(VerifiedTokens.MAX_TOKEN_LENGTH);
        tokens.put(longest, new VerifiedToken("alice", false, NOW + 60, NOW - 60, null));
        assertEquals("alice", tokens.get(longest, NOW).userId());
    }

    @Test
    void capacityZeroRemembersNothing() {
        VerifiedTokens tokens = new VerifiedTokens(0, SKEW);
        tokens.put("t", new VerifiedToken("alice", false, NOW + 60, NOW - 60, null));
        assertNull(tokens.get("t", NOW));
        assertEquals(0, tokens.size());
    }
}
