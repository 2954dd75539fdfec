package dev.roomcast.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.roomcast.testing.SealedFrames;
import java.nio.ByteBuffer;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md section 10's cryptography, with the tests' client written from the section's text ({@link SealedFrames}) (ECDH P-256, HKDF-SHA256,
 * AES-256-GCM with counter IVs): keys agree, frames round-trip both ways, and every malformed, tampered or replayed
 * frame is refused without disturbing the next good one.
 */
class FrameEncryptionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionKeys server;
    private SealedFrames client;

    @BeforeEach
    void agree() {
        client = new SealedFrames();
        server = SessionKeys.agree(client.publicKey());
        client.connected(JSON.createObjectNode()
                .set(
                        "data",
                        JSON.createObjectNode()
                                .put("serverPublicKey", server.serverPublicKey())
                                .put("salt", server.salt())));
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        HexFormat hex = HexFormat.of();
        byte[] okm = Hkdf.derive(
                hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                hex.parseHex("000102030405060708090a0b0c"),
                hex.parseHex("f0f1f2f3f4f5f6f7f8f9"),
                42);
        assertArrayEquals(
                hex.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                okm);
    }

    @Test
    void framesRoundTripBothWaysWithCountersFromZero() throws Exception {
        for (int i = 0; i < 3; i++) {
            JsonNode sealed = JSON.readTree(server.sealer().seal("{\"event\":\"pong\",\"n\":" + i + "}"));
            assertEquals("encrypted", sealed.path("event").asText());
            byte[] iv =
                    Base64.getDecoder().decode(sealed.path("data").path("iv").asText());
            assertEquals(12, iv.length);
            assertEquals(0, ByteBuffer.wrap(iv).getInt());
            assertEquals(i, ByteBuffer.wrap(iv, 4, 8).getLong());
            assertEquals(
                    "{\"event\":\"pong\",\"n\":" + i + "}", client.open(sealed).toString());
        }
        for (int i = 0; i < 3; i++) {
            String frame = "{\"event\":\"ping\",\"id\":\"é" + i + "\"}";
            String[] sealed = parts(client.sealAt(frame, i));
            assertEquals(frame, server.opener().open(sealed[0], sealed[1]));
        }
    }

    @Test
    void urlSafeUnpaddedBase64IsReadToo() throws Exception {
        String[] sealed = parts(client.sealAt("{\"event\":\"ping\"}", 0));
        String iv = toUrlSafe(sealed[0]);
        String ct = toUrlSafe(sealed[1]);
        assertEquals("{\"event\":\"ping\"}", server.opener().open(iv, ct));
        SessionKeys again = SessionKeys.agree(toUrlSafe(client.publicKey()));
        assertEquals(16, Base64.getDecoder().decode(again.salt()).length);
        assertTrue(again.salt().endsWith("=="), "standard base64 with padding: " + again.salt());
    }

    @Test
    void replayedReorderedTamperedAndMalformedFramesAreRefusedAndLeaveNoTrace() throws Exception {
        String[] first = parts(client.sealAt("{\"event\":\"ping\",\"id\":\"1\"}", 5));
        server.opener().open(first[0], first[1]);
        assertRefused(first[0], first[1]); // replayed
        String[] older = parts(client.sealAt("{\"event\":\"ping\",\"id\":\"0\"}", 4));
        assertRefused(older[0], older[1]); // reordered

        String[] next = parts(client.sealAt("{\"event\":\"ping\",\"id\":\"2\"}", 6));
        byte[] ct = Base64.getDecoder().decode(next[1]);
        ct[0] ^= 1;
        assertRefused(next[0], Base64.getEncoder().encodeToString(ct)); // tampered ciphertext
        byte[] tag = Base64.getDecoder().decode(next[1]);
        tag[tag.length - 1] ^= 1;
        assertRefused(next[0], Base64.getEncoder().encodeToString(tag)); // wrong tag
        assertRefused(next[0], Base64.getEncoder().encodeToString(new byte[10])); // truncated below the tag
        byte[] shortened = Base64.getDecoder().decode(next[1]);
        assertRefused(next[0], Base64.getEncoder().encodeToString(Arrays.copyOf(shortened, shortened.length - 1)));
        assertRefused(Base64.getEncoder().encodeToString(new byte[11]), next[1]); // iv of 11 bytes
        byte[] prefixed = Base64.getDecoder().decode(next[0]);
        prefixed[0] = 1;
        assertRefused(Base64.getEncoder().encodeToString(prefixed), next[1]); // iv not starting with 4 zero bytes
        assertRefused("not base64!", next[1]);
        assertRefused(next[0], "%%%");
        assertRefused(null, next[1]);
        assertRefused(next[0], null);

        // None of those moved the counter: the good frame 6 still opens.
        assertEquals("{\"event\":\"ping\",\"id\":\"2\"}", server.opener().open(next[0], next[1]));
    }

    @Test
    void aPublicKeyThatIsNotP256SpkiIsRefused() throws Exception {
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        String otherCurve = Base64.getEncoder()
                .encodeToString(p384.generateKeyPair().getPublic().getEncoded());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String rsaKey = Base64.getEncoder()
                .encodeToString(rsa.generateKeyPair().getPublic().getEncoded());
        for (String key : new String[] {
            null, "", "AAAA", "not base64 at all", otherCurve, rsaKey, "A".repeat(300), client.publicKey() + "AAAA"
        }) {
            assertThrows(InvalidPublicKeyException.class, () -> SessionKeys.agree(key), String.valueOf(key));
        }
    }

    @Test
    void eachConnectionGetsItsOwnServerKeyAndSalt() {
        SessionKeys other = SessionKeys.agree(client.publicKey());
        assertTrue(!other.serverPublicKey().equals(server.serverPublicKey()));
        assertTrue(!other.salt().equals(server.salt()));
    }

    private void assertRefused(String iv, String ct) {
        assertThrows(RefusedFrameException.class, () -> server.opener().open(iv, ct));
    }

    private static String toUrlSafe(String base64) {
        return base64.replace('+', '-').replace('/', '_').replace("=", "");
    }

    /** The {@code iv} and {@code ct} of an encrypted frame's text. */
    private static String[] parts(String sealed) throws Exception {
        JsonNode data = JSON.readTree(sealed).path("data");
        return new String[] {data.path("iv").asText(), data.path("ct").asText()};
    }
}
