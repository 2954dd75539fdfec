package dev.roomcast.rest;

import dev.roomcast.error.RoomcastException;

/**
 * Numbers in query strings, parsed by the resources rather than by JAX-RS, which answers 404 to a value it cannot
 * convert: here it is a 400 {@code BAD_REQUEST} naming the parameter.
 */
public final class QueryNumbers {

    private QueryNumbers() {}

    /** @return the number, or null when the parameter is absent or empty */
    public static Long number(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw RoomcastException.badRequest(name + " must be an integer");
        }
    }

    /** A page size, clamped into the int range for the caller's own bounds check; null when absent. */
    public static Integer limit(String value) {
        Long number = number("limit", value);
        return number == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(number, Integer.MAX_VALUE));
    }
}
