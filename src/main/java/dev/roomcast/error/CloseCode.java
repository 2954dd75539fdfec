package dev.roomcast.error;

/**
 * WebSocket close codes of PROTOCOL.md section 2, and the two more that section 9 counts (1002, 1006). The reason texts
 * stay well under the 123-byte limit.
 */
public enum CloseCode {
    NORMAL(1000, "normal close"),
    GOING_AWAY(1001, "server going away"),
    /** A frame the WebSocket codec refused (reserved bits, a bad opcode, an unmasked client frame). */
    PROTOCOL_ERROR(1002, "protocol error"),
    UNSUPPORTED_DATA(1003, "binary frames are not supported"),
    POLICY_VIOLATION(1008, "too many invalid frames"),
    CONNECTION_LIMIT(1008, "connection limit"),
    MESSAGE_TOO_BIG(1009, "frame too large"),
    INTERNAL_ERROR(1011, "internal error"),
    AUTH_TIMEOUT(4001, "authentication timeout"),
    HEARTBEAT_TIMEOUT(4002, "heartbeat timeout"),
    AUTH_FAILED(4003, "authentication failed"),
    ENCRYPTION_REQUIRED(4004, "encryption required"),
    TOKEN_EXPIRED(4005, "token expired"),
    /** An administrator ended the session (the reason is theirs; this one is the default). */
    DISCONNECTED(4006, "disconnected"),
    /** The session's token was revoked: the client must not reconnect with it. */
    TOKEN_REVOKED(4006, "token revoked"),
    SLOW_CONSUMER(4008, "slow consumer"),
    /** Never sent: the code a connection that ended without a close frame is counted under. */
    CONNECTION_LOST(1006, "connection lost");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
