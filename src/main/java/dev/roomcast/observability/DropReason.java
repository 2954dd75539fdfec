package dev.roomcast.observability;

/** Why an event did not reach a recipient: the {@code reason} tag of {@code roomcast_dropped_total}. */
public enum DropReason {
    /** The recipient's outbound buffer was full (PROTOCOL.md section 8). */
    SLOW_CONSUMER("slow_consumer"),
    /** The sender was over a rate limit: its frame was not executed. */
    RATE_LIMITED("rate_limited"),
    /** The recipient's socket closed before the frame could be written. */
    CLOSED("closed"),
    /** A Redis message body did not follow the contract. */
    INVALID("invalid"),
    /** Redis was unreachable, so other pods did not get the event. */
    BROKER_UNAVAILABLE("broker_unavailable");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
