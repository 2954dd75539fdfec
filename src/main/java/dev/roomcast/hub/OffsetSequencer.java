package dev.roomcast.hub;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.roomcast.broker.Envelope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import dev.roomcast.node.ConfinedLoop;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

/**
 * Puts each history room's events in offset order on this pod, whatever order they arrive in (two pods' publishes can
 * cross in Redis; this pod's own commits can complete out of order) and whatever Redis lost.
 * <p>
 * A room's stream exists while the pod has a local member of the room. It starts at the room's last offset, read from
 * the event log when the stream is created (before any joining member reads its own position, so no member needs an
 * event the stream skipped). An event one above the last delivered is delivered, with any that were waiting behind it;
 * a later one waits; an earlier one is a duplicate and dropped. A gap that lasts {@link #GAP_WAIT_MILLIS} is filled from
 * the event log: an event with a higher offset is committed, so every offset below it is committed too and readable.
 * All state is confined to one event-loop context.
 */
@ApplicationScoped
public class OffsetSequencer {

    private static final Logger LOG = Logger.getLogger(OffsetSequencer.class);
    /** How long a missing offset may still be on its way through Redis before it is read from the log. */
    static final long GAP_WAIT_MILLIS = 100;

    private final Instance<OffsetSource> source;
    private final Vertx vertx;
    private final ConfinedLoop loop;
    private final Map<String, Stream> streams = new HashMap<>();
    private Hub hub;

    OffsetSequencer(Instance<OffsetSource> source, Vertx vertx) {
        this.source = source;
        this.vertx = vertx;
        this.loop = new ConfinedLoop(vertx);
    }

    void attach(Hub hub) {
        this.hub = hub;
    }

    /** One more local member of the room; completes once the room's stream knows where it starts. */
    Uni<Void> retain(String room) {
        Promise<Void> ready = Promise.promise();
        loop.run(() -> {
            Stream stream = streams.get(room);
            if (stream == null) {
                stream = new Stream(room);
                streams.put(room, stream);
                start(stream);
            }
            stream.refs++;
            if (stream.delivered >= 0) {
                ready.complete();
            } else {
                stream.waiters.add(ready);
            }
        });
        return UniHelper.toUni(ready.future());
    }

    /** One local member fewer; the stream ends with the last. */
    void release(String room) {
        loop.run(() -> {
            Stream stream = streams.get(room);
            if (stream != null && --stream.refs == 0) {
                streams.remove(room);
                if (stream.timer >= 0) {
                    vertx.cancelTimer(stream.timer);
                }
            }
        });
    }

    /** A persisted room event, from this pod or another: delivered in its room's offset order. */
    void accept(Envelope envelope) {
        loop.run(() -> {
            Stream stream = streams.get(envelope.target());
            if (stream == null) {
                return; // no local member: nobody here to deliver to
            }
            stream.offer(envelope);
            drain(stream);
        });
    }

    private void start(Stream stream) {
        Uni.createFrom().deferred(() -> source.get().lastOffset(stream.room)).subscribe().with(last -> loop.run(() -> {
            if (streams.get(stream.room) != stream) {
                return;
            }
            stream.delivered = last;
            List<Promise<Void>> waiters = stream.waiters;
            stream.waiters = new ArrayList<>(0);
            waiters.forEach(Promise::tryComplete);
            drain(stream);
        }), failure -> loop.run(() -> {
            LOG.warnf("cannot read where %s starts: %s", stream.room, failure.getMessage());
            if (streams.get(stream.room) == stream) {
                streams.remove(stream.room);
                stream.waiters.forEach(waiter -> waiter.tryFail(failure));
            }
        }));
    }

    private void drain(Stream stream) {
        if (stream.delivered < 0) {
            return;
        }
        TreeMap<Long, Envelope> waiting = stream.waiting;
        while (!waiting.isEmpty()) {
            long first = waiting.firstKey();
            if (first <= stream.delivered) {
                waiting.pollFirstEntry(); // covered already
            } else if (first == stream.delivered + 1) {
                Envelope next = waiting.pollFirstEntry().getValue();
                stream.delivered = first;
                hub.fanOut(next);
            } else {
                break;
            }
        }
        if (!waiting.isEmpty() && stream.timer < 0) {
            stream.timer = vertx.setTimer(GAP_WAIT_MILLIS, id -> loop.run(() -> fillGap(stream)));
        }
    }

    private void fillGap(Stream stream) {
        stream.timer = -1;
        if (streams.get(stream.room) != stream || stream.waiting.isEmpty()) {
            return;
        }
        long after = stream.delivered;
        long until = stream.waiting.firstKey() - 1;
        if (until <= after) {
            drain(stream);
            return;
        }
        Uni.createFrom().deferred(() -> source.get().between(stream.room, after, until)).subscribe().with(found -> loop.run(() -> {
            if (streams.get(stream.room) != stream) {
                return;
            }
            found.forEach(stream::offer);
            if (found.size() < until - after) {
                // Retention dropped some: the stream moves past them rather than wait forever.
                LOG.warnf("%s: offsets %d..%d not in the log any more; skipped", stream.room, after + 1, until);
                deliverThrough(stream, until);
            }
            drain(stream);
        }), failure -> loop.run(() -> {
            LOG.warnf("%s: cannot read offsets %d..%d (%s); retrying", stream.room, after + 1, until, failure.getMessage());
            drain(stream);
        }));
    }

    /** Delivers whatever waits up to {@code until} in order and moves the stream there. */
    private void deliverThrough(Stream stream, long until) {
        while (!stream.waiting.isEmpty() && stream.waiting.firstKey() <= until) {
            Map.Entry<Long, Envelope> next = stream.waiting.pollFirstEntry();
            if (next.getKey() > stream.delivered) {
                stream.delivered = next.getKey();
                hub.fanOut(next.getValue());
            }
        }
        stream.delivered = Math.max(stream.delivered, until);
    }


    /** One room's ordered stream on this pod. */
    private static final class Stream {
        final String room;
        int refs;
        /** Offset of the last event handed to the shards; -1 until the start is known. */
        long delivered = -1;
        final TreeMap<Long, Envelope> waiting = new TreeMap<>();
        List<Promise<Void>> waiters = new ArrayList<>(1);
        long timer = -1;

        Stream(String room) {
            this.room = room;
        }

        void offer(Envelope envelope) {
            if (envelope.offset() > delivered) {
                waiting.putIfAbsent(envelope.offset(), envelope);
            }
        }
    }
}
