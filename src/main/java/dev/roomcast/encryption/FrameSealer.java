package dev.roomcast.encryption;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals the frames the server sends on one encrypted connection: AES-256-GCM, no additional data, the IV 4 zero bytes
 * then a 64-bit big-endian counter from 0, one more per frame, so that no IV is ever used twice under the key. The
 * result is the {@code encrypted} frame's text. Frames of a connection are sealed one at a time, in the order they are
 * written.
 */
public final class FrameSealer {

    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final Cipher cipher;
    private final byte[] iv = new byte[12];
    private long counter;

    FrameSealer(SecretKey key) {
        this.key = key;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this runtime", e);
        }
    }

    /** The {@code encrypted} frame carrying this frame's text. */
    public synchronized String seal(String frame) {
        ByteBuffer.wrap(iv).putInt(0).putLong(counter);
        counter++;
        byte[] sealed;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            sealed = cipher.doFinal(frame.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal", e);
        }
        Base64.Encoder base64 = Base64.getEncoder();
        return "{\"event\":\"encrypted\",\"data\":{\"iv\":\"" + base64.encodeToString(iv) + "\",\"ct\":\""
                + base64.encodeToString(sealed) + "\"}}";
    }
}
