package dev.roomcast.error;

import java.util.Map;

/**
 * A refusal the client can act on: an {@link ErrorCode}, a human-readable message and optional extra fields
 * for the error's {@code data} (e.g. {@code retryAfterMs}). Thrown without a stack trace: these are answers,
 * not bugs.
 */
public class RoomcastException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, Object> details;
    private final int httpStatus;

    public RoomcastException(ErrorCode code, String message) {
        this(code, message, Map.of(), code.httpStatus());
    }

    public RoomcastException(ErrorCode code, String message, Map<String, Object> details, int httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.details = details;
        this.httpStatus = httpStatus;
    }

    public static RoomcastException badRequest(String message) {
        return new RoomcastException(ErrorCode.BAD_REQUEST, message);
    }

    public static RoomcastException forbidden(String message) {
        return new RoomcastException(ErrorCode.FORBIDDEN, message);
    }

    public static RoomcastException notFound(String message) {
        return new RoomcastException(ErrorCode.NOT_FOUND, message);
    }

    /** The cluster link (Redis) could not take the request: HTTP 503, {@code INTERNAL} on the wire. */
    public static RoomcastException unavailable(String message) {
        return new RoomcastException(ErrorCode.INTERNAL, message, Map.of(), 503);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
