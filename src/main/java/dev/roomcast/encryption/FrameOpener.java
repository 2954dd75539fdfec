package dev.roomcast.encryption;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Opens the {@code encrypted} frames a client sends on one connection: the IV must be 12 bytes starting with 4 zero
 * bytes, its counter greater than that of the last frame that opened (no replay, no reordering), the ciphertext must
 * authenticate (AES-256-GCM, 16-byte tag) and hold UTF-8. A frame that fails leaves no trace: the next good frame
 * opens as if it had not come.
 */
public final class FrameOpener {

    private static final int TAG_BYTES = 16;

    private final SecretKey key;
    private final Cipher cipher;
    /** The counter of the last frame that opened, once one did. */
    private long last;

    private boolean opened;

    FrameOpener(SecretKey key) {
        this.key = key;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this runtime", e);
        }
    }

    /**
     * @param iv the frame's {@code iv}, base64 in either alphabet
     * @param ct the frame's {@code ct}: ciphertext and tag, base64 in either alphabet
     * @return the plaintext frame
     * @throws RefusedFrameException when the frame must be refused ({@code BAD_REQUEST})
     */
    public synchronized String open(String iv, String ct) {
        byte[] nonce = iv == null ? null : Base64Lenient.decode(iv);
        if (nonce == null || nonce.length != 12 || ByteBuffer.wrap(nonce).getInt() != 0) {
            throw new RefusedFrameException("iv must be 12 bytes, the first 4 zero");
        }
        long counter = ByteBuffer.wrap(nonce, 4, 8).getLong();
        if (opened && Long.compareUnsigned(counter, last) <= 0) {
            throw new RefusedFrameException("iv counter " + Long.toUnsignedString(counter) + " is not above the last");
        }
        byte[] sealed = ct == null ? null : Base64Lenient.decode(ct);
        if (sealed == null || sealed.length < TAG_BYTES) {
            throw new RefusedFrameException("ct must be base64 of the ciphertext and its 16-byte tag");
        }
        byte[] plain;
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            plain = cipher.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new RefusedFrameException("the frame does not decrypt");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RefusedFrameException("the frame's plaintext is not UTF-8");
        }
        last = counter;
        opened = true;
        return text;
    }
}
