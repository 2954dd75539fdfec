package dev.roomcast.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link RoomNames}: the {@code NAMESPACE:ID} grammar of PROTOCOL.md section 3, its length limit, and the automatic rooms. */
class RoomNamesTest {

    @Test
    void aValidNameSplitsIntoNamespaceAndId() {
        RoomName name = RoomNames.parse("live:lobby").orElseThrow();

        assertEquals("live:lobby", name.full());
        assertEquals("live", name.namespace());
        assertEquals("lobby", name.id());
        assertEquals("live:lobby", name.toString());
    }

    @Test
    void theNamespaceMayHoldLowercaseLettersDigitsUnderscoresAndDashesAfterItsFirstLetter() {
        RoomName name = RoomNames.parse("game-2_eu:x").orElseThrow();

        assertEquals("game-2_eu", name.namespace());
        assertTrue(RoomNames.parse("a:x").isPresent(), "a one-letter namespace");
    }

    @Test
    void theIdMayHoldLettersOfBothCasesDigitsAndUnderscoreDotAtDash() {
        RoomName name = RoomNames.parse("chat:Team_1.eu@corp-X").orElseThrow();

        assertEquals("Team_1.eu@corp-X", name.id());
        assertTrue(RoomNames.parse("chat:7").isPresent(), "a one-character id");
    }

    @Test
    void missingOrEmptyNamesAreRefused() {
        assertRefused(null);
        assertRefused("");
        assertRefused("lobby");
        assertRefused(":lobby");
        assertRefused("live:");
        assertRefused(":");
    }

    @Test
    void aNamespaceNotStartingWithALowercaseLetterIsRefused() {
        assertRefused("Live:lobby");
        assertRefused("1live:lobby");
        assertRefused("_live:lobby");
        assertRefused("-live:lobby");
    }

    @Test
    void aNamespaceWithOtherCharactersIsRefused() {
        assertRefused("liVe:lobby");
        assertRefused("live.x:lobby");
        assertRefused("li ve:lobby");
        assertRefused("live@x:lobby");
    }

    @Test
    void anIdWithOtherCharactersIsRefused() {
        assertRefused("live:lob by");
        assertRefused("live:a/b");
        assertRefused("live:a:b");
        assertRefused("live:caf\u00e9");
        assertRefused("live:a\nb");
        assertRefused("live:a*");
    }

    @Test
    void aNameOfUpTo128CharactersIsAccepted() {
        String name = "live:" + "x".repeat(128 - "live:".length());

        assertEquals(128, name.length());
        assertEquals(name, RoomNames.parse(name).orElseThrow().full());
    }

    @Test
    void aNameLongerThan128CharactersIsRefused() {
        assertRefused("live:" + "x".repeat(129 - "live:".length()));
        assertRefused("n".repeat(200) + ":x");
    }

    @Test
    void theAutomaticRoomsAreNamedInTheUserAndClientNamespaces() {
        assertEquals("user:alice", RoomNames.userRoom("alice"));
        assertEquals("client:abc234defg.1z", RoomNames.clientRoom("abc234defg.1z"));

        RoomName user = RoomNames.parse(RoomNames.userRoom("alice@example.com")).orElseThrow();
        assertEquals(RoomNames.USER_NAMESPACE, user.namespace());
        assertEquals("alice@example.com", user.id());
        RoomName client = RoomNames.parse(RoomNames.clientRoom("abc234defg.1z")).orElseThrow();
        assertEquals(RoomNames.CLIENT_NAMESPACE, client.namespace());
        assertEquals("abc234defg.1z", client.id());
    }

    private static void assertRefused(String name) {
        Optional<RoomName> parsed = RoomNames.parse(name);
        assertTrue(parsed.isEmpty(), () -> "accepted " + name + " as " + parsed.orElse(null));
    }
}
