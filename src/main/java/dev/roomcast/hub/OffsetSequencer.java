package dev.roomcast.hub;

import dev.roomcast.loop.ConfinedLoop;
import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EventNames;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.vertx.UniHelper;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Puts each history room's events in offset order on this pod, whatever order they arrive in (two pods' publishes can
 * cross in Redis; this pod's own commits can complete out of order) and whatever Redis lost.
 * <p>
 * A room's stream exists while the pod has a local member of the room (one reference per membership). It starts at the
 * room's last offset, read from the event log when the stream is created (before any joining member reads its own
 * position, so no member needs an event the stream skipped). An event one above the last delivered is delivered, with
 * any that were waiting behind it; a later one waits; an earlier one is a duplicate and dropped.
 * <p>
 * Losses are repaired from the log: a gap that lasts {@link #GAP_WAIT_MILLIS} is filled (an event with a higher
 * offset is committed, so every offset below it is committed too and readable); and every
 * {@code roomcast.history.catch-up-interval} the pod reads where its rooms stand, so that a lost last event, or every
 * event of a Redis outage, arrives too. A room whose epoch changed or that is gone was deleted: its members here get
 * {@code room.deleted} (if Redis lost it) and the stream starts over.
 * All state is confined to one event-loop context.
 */
public class OffsetSequencer {

    private static final Logger LOG = Logger.getLogger(OffsetSequencer.class);
    /** How long a missing offset may still be on its way through Redis before it is read from the log. */
    static final long GAP_WAIT_MILLIS = 100;

    private final Instance<OffsetSource> source;
    private final Vertx vertx;
    private final ConfinedLoop loop;
    private final RoomcastMetrics metrics;
    private final Consumer<Envelope> delivery;
    private final Map<String, Stream> streams = new HashMap<>();
    private boolean catchingUp;

    /** @param delivery where each room's events go, in offset order (the hub's fan-out) */
    OffsetSequencer(Instance<OffsetSource> source, Vertx vertx, RoomcastMetrics metrics, Consumer<Envelope> delivery) {
        this.source = source;
        this.vertx = vertx;
        this.metrics = metrics;
        this.delivery = delivery;
        this.loop = new ConfinedLoop(vertx);
    }

    /** One catch-up pass ({@code roomcast.history.catch-up-interval}); nothing to do in a build without an event log. */
    void catchUpPass() {
        if (source.isResolvable()) {
            loop.run(this::catchUp);
        }
    }

    /**
     * One more local member of the room; completes once the room's stream knows where it starts. Every call is matched
     * by one {@link #release}, whether this completes or fails.
     */
    Uni<Void> retain(String room) {
        Promise<Void> ready = Promise.promise();
        loop.run(() -> {
            Stream stream = streams.computeIfAbsent(room, Stream::new);
            stream.refs++;
            if (stream.delivered >= 0) {
                ready.complete();
            } else {
                stream.waiters.add(ready);
                if (!stream.starting) {
                    begin(stream);
                }
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
                stream.stop(vertx);
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

    /** Reads where the stream starts; a failure fails the members waiting for it, and the next member tries again. */
    private void begin(Stream stream) {
        stream.starting = true;
        int generation = stream.generation;
        Uni.createFrom()
                .deferred(() -> source.get().positions(List.of(stream.room)))
                .subscribe()
                .with(
                        found -> loop.run(() -> {
                            if (!stream.isCurrent(streams, generation)) {
                                return;
                            }
                            StreamPosition position = found.get(stream.room);
                            stream.starting = false;
                            stream.epoch = position == null ? null : position.epoch();
                            stream.delivered = position == null ? 0 : position.lastOffset();
                            stream.catchUpTarget = stream.delivered;
                            List<Promise<Void>> waiters = stream.takeWaiters();
                            waiters.forEach(Promise::tryComplete);
                            drain(stream);
                        }),
                        failure -> loop.run(() -> {
                            if (!stream.isCurrent(streams, generation)) {
                                return;
                            }
                            LOG.warnf("cannot read where %s starts: %s", stream.room, failure.getMessage());
                            stream.starting = false;
                            stream.takeWaiters().forEach(waiter -> waiter.tryFail(failure));
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
                if (!deliver(stream, waiting.pollFirstEntry().getValue())) {
                    return;
                }
            } else {
                break;
            }
        }
        if (!waiting.isEmpty() && stream.timer < 0) {
            stream.timer = vertx.setTimer(GAP_WAIT_MILLIS, id -> loop.run(() -> fillGap(stream)));
        }
    }

    /** @return whether the stream goes on; after {@code room.deleted} it starts over, for a room of the same name. */
    private boolean deliver(Stream stream, Envelope next) {
        stream.delivered = next.offset();
        delivery.accept(next);
        if (EventNames.ROOM_DELETED.equals(next.event())) {
            restart(stream);
            return false;
        }
        return true;
    }

    private void fillGap(Stream stream) {
        stream.timer = -1;
        if (streams.get(stream.room) != stream || stream.waiting.isEmpty() || stream.delivered < 0) {
            return;
        }
        fill(stream, stream.waiting.firstKey() - 1);
    }

    /** Reads the committed offsets after the last delivered, through {@code until}, from the log. */
    private void fill(Stream stream, long until) {
        long after = stream.delivered;
        if (until <= after || stream.filling) {
            drain(stream);
            return;
        }
        stream.filling = true;
        int generation = stream.generation;
        // What waits now arrived before the read below: if real, it was committed before it, so at most the last
        // offset.
        long waitingBefore = stream.waiting.isEmpty() ? Long.MIN_VALUE : stream.waiting.lastKey();
        Uni.createFrom()
                .deferred(() -> source.get().between(stream.room, after, until))
                .subscribe()
                .with(
                        slice -> loop.run(() -> {
                            if (!stream.isCurrent(streams, generation)) {
                                return;
                            }
                            stream.filling = false;
                            StreamPosition now = slice.now();
                            if (now == null || !now.epoch().equals(stream.epoch)) {
                                stream.waiting.clear();
                                caughtUp(stream, now); // deleted or recreated meanwhile
                                return;
                            }
                            if (waitingBefore > now.lastOffset()) {
                                Map<Long, Envelope> bogus =
                                        stream.waiting.subMap(now.lastOffset(), false, waitingBefore, true);
                                LOG.warnf(
                                        "%s: dropped %d events claiming offsets above the committed %d",
                                        stream.room, bogus.size(), now.lastOffset());
                                bogus.forEach((offset, envelope) -> metrics.dropped(DropReason.INVALID));
                                bogus.clear();
                            }
                            // A fill never moves the stream past what is committed.
                            long through = Math.min(until, now.lastOffset());
                            slice.events().forEach(stream::offer);
                            if (slice.events().size() < through - after && !deliverThrough(stream, through)) {
                                return;
                            }
                            drain(stream);
                        }),
                        failure -> loop.run(() -> {
                            if (!stream.isCurrent(streams, generation)) {
                                return;
                            }
                            stream.filling = false;
                            LOG.warnf(
                                    "%s: cannot read offsets %d..%d (%s); retrying",
                                    stream.room, after + 1, until, failure.getMessage());
                            drain(stream);
                        }));
    }

    /**
     * Retention dropped some of what a fill needed: the stream delivers what it has up to {@code until}, in order, and
     * moves past the rest rather than wait forever.
     */
    private boolean deliverThrough(Stream stream, long until) {
        LOG.warnf(
                "%s: some offsets in %d..%d are not in the log any more; skipped",
                stream.room, stream.delivered + 1, until);
        while (!stream.waiting.isEmpty() && stream.waiting.firstKey() <= until) {
            Map.Entry<Long, Envelope> next = stream.waiting.pollFirstEntry();
            if (next.getKey() > stream.delivered && !deliver(stream, next.getValue())) {
                return false;
            }
        }
        stream.delivered = Math.max(stream.delivered, until);
        return true;
    }

    /**
     * Compares every started stream with the log. An offset the previous pass saw committed and that is still not
     * delivered is read from the log (one pass of grace, so that events merely on their way are not read twice).
     */
    private void catchUp() {
        if (catchingUp || streams.isEmpty()) {
            return;
        }
        Map<String, Integer> generations = new HashMap<>();
        for (Stream stream : streams.values()) {
            if (stream.delivered >= 0) {
                generations.put(stream.room, stream.generation);
            }
        }
        if (generations.isEmpty()) {
            return;
        }
        catchingUp = true;
        Uni.createFrom()
                .deferred(() -> source.get().positions(generations.keySet()))
                .subscribe()
                .with(
                        found -> loop.run(() -> {
                            catchingUp = false;
                            generations.forEach((room, generation) -> {
                                Stream stream = streams.get(room);
                                if (stream != null && stream.generation == generation && stream.delivered >= 0) {
                                    caughtUp(stream, found.get(room));
                                }
                            });
                        }),
                        failure -> loop.run(() -> {
                            catchingUp = false;
                            LOG.debugf("catch-up pass failed: %s", failure.getMessage());
                        }));
    }

    private void caughtUp(Stream stream, StreamPosition now) {
        if (stream.epoch == null) {
            if (now != null) {
                restart(stream); // created since the stream started: nobody here can have joined the absent room
            }
            return;
        }
        if (now == null || !now.epoch().equals(stream.epoch)) {
            LOG.infof("%s was deleted and its room.deleted did not arrive here; closing it", stream.room);
            delivery.accept(deleted(stream.room));
            restart(stream);
            return;
        }
        long target = stream.catchUpTarget;
        stream.catchUpTarget = now.lastOffset();
        if (target > stream.delivered && stream.timer < 0) {
            LOG.debugf(
                    "%s: offsets %d..%d committed but not received; reading them from the log",
                    stream.room, stream.delivered + 1, target);
            fill(stream, target);
        }
    }

    /** The stream's room ended: whatever it knew is void; it starts again for the members it still has. */
    private void restart(Stream stream) {
        stream.reset(vertx);
        if (stream.refs > 0) {
            begin(stream);
        }
    }

    private static Envelope deleted(String room) {
        String data = new JsonObject().put("room", room).encode();
        return new Envelope(
                null,
                DeliveryType.ROOM,
                room,
                EventNames.ROOM_DELETED,
                data,
                List.of(),
                null,
                null,
                null,
                RoomcastMetrics.nowMicros(),
                room,
                false);
    }

    /** One room's ordered stream on this pod. */
    private static final class Stream {
        final String room;
        int refs;
        /** Bumped whenever the stream starts over or ends: answers to earlier reads are ignored. */
        int generation;

        boolean starting;
        boolean filling;
        /** The epoch the stream was started with; null when the room did not exist then. */
        String epoch;
        /** Offset of the last event handed to the shards; -1 until the start is known. */
        long delivered = -1;
        /** The room's last offset at the previous catch-up pass. */
        long catchUpTarget;

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

        boolean isCurrent(Map<String, Stream> streams, int expectedGeneration) {
            return streams.get(room) == this && generation == expectedGeneration;
        }

        List<Promise<Void>> takeWaiters() {
            List<Promise<Void>> taken = waiters;
            waiters = new ArrayList<>(0);
            return taken;
        }

        void reset(Vertx vertx) {
            stop(vertx);
            starting = false;
            filling = false;
            epoch = null;
            delivered = -1;
            catchUpTarget = 0;
            waiting.clear();
        }

        void stop(Vertx vertx) {
            generation++;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
