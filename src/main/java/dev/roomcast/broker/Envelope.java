package dev.roomcast.broker;

import java.util.List;

/**
 * One event on its way to its recipients, on this pod and on the others: the Redis message body of
 * PROTOCOL.md section 7. {@code data} is raw JSON text (or null), kept as text so that it is parsed and
 * written once, never re-serialized per recipient. {@code acceptedAtMicros} is when the originating pod
 * accepted the event (epoch microseconds), the start of the delivery-latency measurement.
 */
public record Envelope(
        String serverId,
        DeliveryType type,
        String target,
        String event,
        String data,
        List<String> exclude,
        Sender from,
        Long offset,
        String traceId,
        long acceptedAtMicros,
        String leave) {

    public Envelope {
        exclude = exclude == null ? List.of() : exclude;
    }

    public Envelope(String serverId, DeliveryType type, String target, String event, String data, List<String> exclude,
            Sender from, Long offset, String traceId, long acceptedAtMicros) {
        this(serverId, type, target, event, data, exclude, from, offset, traceId, acceptedAtMicros, null);
    }

    /** The Redis channel this envelope travels on. */
    public String channel() {
        return Channels.of(type, target);
    }
}
