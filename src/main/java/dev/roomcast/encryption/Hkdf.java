package dev.roomcast.encryption;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA256 (RFC 5869): extract a pseudorandom key from the input key material and salt, then expand. */
final class Hkdf {

    private static final String HMAC = "HmacSHA256";
    private static final int HASH_LENGTH = 32;

    private Hkdf() {}

    static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        if (length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 derives at most " + 255 * HASH_LENGTH + " bytes");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH_LENGTH] : salt, HMAC));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            byte[] okm = new byte[length];
            byte[] block = new byte[0];
            for (int done = 0, counter = 1; done < length; counter++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) counter);
                block = mac.doFinal();
                int take = Math.min(block.length, length - done);
                System.arraycopy(block, 0, okm, done, take);
                done += take;
            }
            Arrays.fill(prk, (byte) 0);
            return okm;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this runtime", e);
        }
    }
}
