package dev.roomcast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A client's side of PROTOCOL.md section 10, written from the section's text with the JDK's own primitives (its HKDF
 * too), independently of the server's code: an ephemeral P-256 key, the keys derived from {@code connected}, and
 * frames sealed with counters from 0 and opened.
 */
public final class SealedFrames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair pair;
    private SecretKeySpec toServer;
    private SecretKeySpec fromServer;
    private long sent;
    private long received;

    public SealedFrames() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code publicKey} to send: SPKI DER, standard base64. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** The {@code publicKey} query parameter of a handshake: SPKI DER, base64url without padding. */
    public String publicKeyUrlSafe() {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(pair.getPublic().getEncoded());
    }

    /** Whether the keys were derived from {@code connected}. */
    public boolean agreed() {
        return fromServer != null;
    }

    /** Derives the keys from a {@code connected} frame's {@code serverPublicKey} and {@code salt}. */
    public SealedFrames connected(JsonNode connected) {
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(pair.getPrivate());
            agreement.doPhase(
                    KeyFactory.getInstance("EC")
                            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder()
                                    .decode(connected
                                            .path("data")
                                            .path("serverPublicKey")
                                            .asText()))),
                    true);
            byte[] secret = agreement.generateSecret();
            byte[] salt = Base64.getDecoder()
                    .decode(connected.path("data").path("salt").asText());
            toServer = new SecretKeySpec(hkdf(secret, salt, "roomcast v1 client->server"), "AES");
            fromServer = new SecretKeySpec(hkdf(secret, salt, "roomcast v1 server->client"), "AES");
            return this;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code encrypted} frame carrying this frame's text. */
    public String seal(String frame) {
        return sealAt(frame, sent++);
    }

    /** An {@code encrypted} frame with the given counter (a replay, a reordering). */
    public String sealAt(String frame, long counter) {
        try {
            byte[] iv = ByteBuffer.allocate(12).putInt(0).putLong(counter).array();
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, toServer, new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(frame.getBytes(StandardCharsets.UTF_8));
            return "{\"event\":\"encrypted\",\"data\":{\"iv\":\""
                    + Base64.getEncoder().encodeToString(iv) + "\",\"ct\":\""
                    + Base64.getEncoder().encodeToString(ct) + "\"}}";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The frame an {@code encrypted} frame carries; fails when it is not one, does not decrypt, or does not carry the
     * server's next counter (the server numbers its frames 0, 1, 2, ... and a client must see each once, in order).
     */
    public JsonNode open(JsonNode frame) {
        if (!"encrypted".equals(frame.path("event").asText())) {
            throw new AssertionError("not an encrypted frame: " + frame);
        }
        byte[] iv = Base64.getDecoder().decode(frame.path("data").path("iv").asText());
        ByteBuffer expected = ByteBuffer.allocate(12).putInt(0).putLong(received);
        if (!ByteBuffer.wrap(iv).equals(expected.flip())) {
            throw new AssertionError("iv " + Base64.getEncoder().encodeToString(iv) + " is not counter " + received);
        }
        received++;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, fromServer, new GCMParameterSpec(128, iv));
            return JSON.readTree(new String(
                    cipher.doFinal(Base64.getDecoder()
                            .decode(frame.path("data").path("ct").asText())),
                    StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("cannot open " + frame, e);
        }
    }

    private static byte[] hkdf(byte[] ikm, byte[] salt, String info) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 1);
        return mac.doFinal(); // 32 bytes: one block
    }
}
