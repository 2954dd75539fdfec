package dev.roomcast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.AttributeKey;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's side of Roomcast's transport encryption (docs/protocol.md section 12), for the {@code roomcast-sealed}
 * peer: its P-256 key in the handshake's query, the keys derived from {@code connected}, frames sealed on the way out
 * and opened on the way in (the generator reads the stamp of the plaintext, as for any peer). Counters are not checked
 * here: the protocol tests do that; the generator measures.
 */
final class SealedSession {

    static final AttributeKey<SealedSession> KEY = AttributeKey.valueOf("roomcast.sealed");

    private static final Pattern CONNECTED =
            Pattern.compile("\"serverPublicKey\":\"([^\"]+)\".*\"salt\":\"([^\"]+)\"|\"salt\":\"([^\"]+)\".*\"serverPublicKey\":\"([^\"]+)\"");
    private static final byte[] IV = "\"iv\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CT = "\"ct\":\"".getBytes(StandardCharsets.US_ASCII);

    private final KeyPair pair;
    private final Cipher cipher;
    private SecretKeySpec toServer;
    private SecretKeySpec fromServer;
    private long sent;

    private SealedSession(KeyPair pair, Cipher cipher) {
        this.pair = pair;
        this.cipher = cipher;
    }

    static SealedSession generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new SealedSession(generator.generateKeyPair(), Cipher.getInstance("AES/GCM/NoPadding"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The frame to write on a channel: sealed once the channel's session agreed on keys. */
    static TextWebSocketFrame frame(Channel channel, String text) {
        SealedSession keys = channel.attr(KEY).get();
        return new TextWebSocketFrame(keys == null || !keys.agreed() ? text : keys.seal(text));
    }

    URI withPublicKey(URI uri) {
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(pair.getPublic().getEncoded());
        return URI.create(uri + (uri.getQuery() == null ? "?" : "&") + "publicKey=" + key);
    }

    boolean agreed() {
        return fromServer != null;
    }

    /** Derives the keys from the {@code connected} frame's {@code serverPublicKey} and {@code salt}. */
    void agree(String connected) {
        Matcher found = CONNECTED.matcher(connected);
        if (!found.find()) {
            throw new IllegalStateException("connected without serverPublicKey and salt: " + connected);
        }
        String serverKey = found.group(1) != null ? found.group(1) : found.group(4);
        String salt = found.group(2) != null ? found.group(2) : found.group(3);
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(pair.getPrivate());
            agreement.doPhase(
                    KeyFactory.getInstance("EC")
                            .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(serverKey))),
                    true);
            byte[] secret = agreement.generateSecret();
            byte[] saltBytes = Base64.getDecoder().decode(salt);
            toServer = new SecretKeySpec(hkdf(secret, saltBytes, "roomcast v1 client->server"), "AES");
            fromServer = new SecretKeySpec(hkdf(secret, saltBytes, "roomcast v1 server->client"), "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String seal(String text) {
        byte[] iv = ByteBuffer.allocate(12).putInt(0).putLong(sent++).array();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, toServer, new GCMParameterSpec(128, iv));
            byte[] ct = cipher.doFinal(text.getBytes(StandardCharsets.UTF_8));
            return "{\"event\":\"encrypted\",\"data\":{\"iv\":\"" + Base64.getEncoder().encodeToString(iv)
                    + "\",\"ct\":\"" + Base64.getEncoder().encodeToString(ct) + "\"}}";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The plaintext of an {@code encrypted} frame's bytes, as a new buffer. */
    ByteBuf open(ByteBuf frame) {
        ByteBuffer iv = Base64.getDecoder().decode(field(frame, IV));
        ByteBuffer ct = Base64.getDecoder().decode(field(frame, CT));
        try {
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    fromServer,
                    new GCMParameterSpec(128, iv.array(), iv.arrayOffset() + iv.position(), iv.remaining()));
            return Unpooled.wrappedBuffer(
                    cipher.doFinal(ct.array(), ct.arrayOffset() + ct.position(), ct.remaining()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a frame that does not open", e);
        }
    }

    /** The bytes of a string field's value (base64: no escapes), found by its opening. */
    private static ByteBuffer field(ByteBuf frame, byte[] opening) {
        int at = Deliveries.indexOf(frame, opening);
        if (at < 0) {
            throw new IllegalStateException("not an encrypted frame: " + frame.toString(StandardCharsets.UTF_8));
        }
        int start = at + opening.length;
        int close = frame.indexOf(start, frame.writerIndex(), (byte) '"');
        return frame.nioBuffer(start, close - start);
    }

    private static byte[] hkdf(byte[] ikm, byte[] salt, String info) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info.getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 1);
        return mac.doFinal();
    }
}
