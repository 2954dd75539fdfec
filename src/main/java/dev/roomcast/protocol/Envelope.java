package dev.roomcast.protocol;

import java.util.List;

/**
 * One event on its way to its recipients, on this pod and on the others: the Redis message body of
 * PROTOCOL.md section 7. {@code data} is raw JSON text (or null), kept as text so that it is parsed and
 * written once, never re-serialized per recipient. {@code acceptedAtMicros} is when the originating pod
 * accepted the event (epoch microseconds), the start of the delivery-latency measurement.
 * <p>
 * {@code from}, {@code offset} and {@code leave} are what pods add for their own traffic; a body from Redis keeps them
 * only when a pod signed it ({@link BodySigner}). {@code leave} names a room its recipients leave as the event
 * reaches them; {@code leaveSparesAdmins} keeps admins' sessions there (a ban never applies to an admin).
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
        String leave,
        boolean leaveSparesAdmins)
        implements PodMessage {

    public Envelope {
        exclude = exclude == null ? List.of() : exclude;
    }

    public Envelope(
            String serverId,
            DeliveryType type,
            String target,
            String event,
            String data,
            List<String> exclude,
            Sender from,
            Long offset,
            String traceId,
            long acceptedAtMicros) {
        this(serverId, type, target, event, data, exclude, from, offset, traceId, acceptedAtMicros, null, false);
    }

    @Override
    public String channel() {
        return Channels.of(type, target);
    }

    /** As an emitter's body: without the fields only pods may set. */
    Envelope withoutPodFields() {
        return new Envelope(
                serverId, type, target, event, data, exclude, null, null, traceId, acceptedAtMicros, null, false);
    }
}
