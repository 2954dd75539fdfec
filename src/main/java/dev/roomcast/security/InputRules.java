package dev.roomcast.security;

import dev.roomcast.error.RoomcastException;

/**
 * The rules every string from outside meets before it is used (PROTOCOL.md sections 2, 6 and 9): no control characters
 * (U+0000 to U+001F and U+007F; message text may hold tab and newline), identifiers within their length, trace ids
 * within their alphabet. A string that breaks them is a {@code BAD_REQUEST} (or an invalid token), never a failure deeper
 * down (PostgreSQL refuses NUL in text, a newline in a log line forges another).
 */
public final class InputRules {

    /** User ids ({@code sub}): 1 to 255 characters. */
    public static final int MAX_USER_ID = 255;
    /** Trace ids: {@code [A-Za-z0-9._:/-]{1,64}}. */
    public static final int MAX_TRACE_ID = 64;

    private InputRules() {}

    /** Whether the string holds a control character; {@code textual} allows tab and newline (message text). */
    public static boolean hasControl(String value, boolean textual) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 || c == 0x7f) && !(textual && (c == '\t' || c == '\n'))) {
                return true;
            }
        }
        return false;
    }

    /** A user id: 1 to 255 characters (code points), not only whitespace, no control characters. */
    public static boolean isUserId(String value) {
        return value != null
                && !value.isBlank()
                && value.codePointCount(0, value.length()) <= MAX_USER_ID
                && !hasControl(value, false);
    }

    /** @return the user id, or {@code BAD_REQUEST} naming what it is */
    public static String userId(String value, String what) {
        if (!isUserId(value)) {
            throw RoomcastException.badRequest(
                    what + " must be 1 to " + MAX_USER_ID + " characters without control characters");
        }
        return value;
    }

    /** A single-line string of at most {@code max} characters (code points) without control characters, or BAD_REQUEST. */
    public static String line(String value, int max, String what) {
        if (value.codePointCount(0, value.length()) > max || hasControl(value, false)) {
            throw RoomcastException.badRequest(
                    what + " must be at most " + max + " characters without control characters");
        }
        return value;
    }

    /** {@code [A-Za-z0-9._:/-]{1,64}}, checked without a regex: frames may carry one each. */
    public static boolean isTraceId(String value) {
        int length = value.length();
        if (length == 0 || length > MAX_TRACE_ID) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '/'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
