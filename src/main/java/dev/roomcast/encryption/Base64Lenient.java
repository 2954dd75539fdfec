package dev.roomcast.encryption;

import java.util.Base64;

/** Reads base64 as section 10 asks of the server: the standard or the URL-safe alphabet, with or without padding. */
final class Base64Lenient {

    private Base64Lenient() {}

    /** @return the bytes, or null when the text is not base64 in either alphabet */
    static byte[] decode(String text) {
        String padded = text.length() % 4 == 0 ? text : text + "=".repeat(4 - text.length() % 4);
        if (padded.length() - text.length() > 2) {
            return null; // a length of 1 mod 4 is no base64 at all
        }
        boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
        try {
            return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(padded);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
