package dev.roomcast.error;

/**
 * The error codes of PROTOCOL.md section 8, with the HTTP status each maps to. WebSocket error frames and
 * HTTP problem bodies both carry {@link #name()} as {@code code}.
 */
public enum ErrorCode {
    BAD_REQUEST(400),
    UNKNOWN_EVENT(400),
    AUTH_REQUIRED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    RATE_LIMITED(429),
    LIMIT_EXCEEDED(400),
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Answers that count toward the run of invalid frames that ends in close 1008. */
    public boolean isInvalidInput() {
        return this == BAD_REQUEST || this == UNKNOWN_EVENT;
    }
}
