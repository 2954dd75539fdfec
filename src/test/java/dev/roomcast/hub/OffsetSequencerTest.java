package dev.roomcast.hub;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.roomcast.observability.DropReason;
import dev.roomcast.observability.RoomcastMetrics;
import dev.roomcast.protocol.DeliveryType;
import dev.roomcast.protocol.Envelope;
import dev.roomcast.protocol.EventNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.util.TypeLiteral;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OffsetSequencer} against an in-memory event log: delivery in offset order whatever the arrival order,
 * duplicates and forged offsets dropped, gaps and lost events read from the log (after the gap wait, or on the second
 * catch-up pass), pruned offsets skipped, and the stream starting over when its room is deleted or recreated.
 * <p>
 * The sequencer lives on one event-loop context of a real Vert.x; the log answers at once, so once a task queued
 * after the test's calls has run ({@link #settle()}), everything they caused has happened, except what waits for the
 * gap timer ({@link OffsetSequencer#GAP_WAIT_MILLIS}), which is awaited.
 */
class OffsetSequencerTest {

    private static final String ROOM = "chat:general";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final FakeLog log = new FakeLog();
    private final List<Envelope> delivered = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private Vertx vertx;
    private Context context;
    private OffsetSequencer sequencer;

    /**
     * Outside Quarkus, Mutiny's context propagation sets up its provider lazily, and two threads doing so at once (the
     * test's and the event loop's) make one of them fail with "ContextManagerProvider already set". Done once here.
     */
    @BeforeAll
    static void setUpMutinyBeforeAnyLoopUsesIt() {
        Uni.createFrom()
                .completionStage(CompletableFuture.completedFuture("ready"))
                .await()
                .indefinitely();
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        sequencer = newSequencer(new LogInstance(log));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eventsArrivingInOrderAreDeliveredAtOnce() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);

        sequencer.accept(log.commit(ROOM));
        sequencer.accept(log.commit(ROOM));
        sequencer.accept(log.commit(ROOM));
        settle();

        assertEquals(List.of(1L, 2L, 3L), offsets());
        assertEquals(List.of(), log.betweenReads(), "nothing was missing");
    }

    @Test
    void theStreamStartsAtTheRoomsLastOffsetInTheLog() throws Exception {
        log.create(ROOM, "e1");
        Envelope old = null;
        for (int i = 0; i < 5; i++) {
            old = log.commit(ROOM);
        }
        retain(ROOM);

        sequencer.accept(old);
        sequencer.accept(log.commit(ROOM));
        settle();

        assertEquals(List.of(6L), offsets());
    }

    @Test
    void aLaterEventWaitsForTheMissingOneAndBothAreDeliveredInOrder() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        Envelope one = log.commit(ROOM);
        Envelope two = log.commit(ROOM);
        Envelope three = log.commit(ROOM);
        log.holdReads(); // the gap fill cannot overtake the late event

        sequencer.accept(one);
        sequencer.accept(three);
        settle();
        assertEquals(List.of(1L), offsets(), "3 waits for 2");

        sequencer.accept(two);
        settle();
        assertEquals(List.of(1L, 2L, 3L), offsets());
    }

    @Test
    void eventsAtOrBelowTheDeliveredOffsetAreDroppedAsDuplicates() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        Envelope one = log.commit(ROOM);
        Envelope two = log.commit(ROOM);
        sequencer.accept(one);
        sequencer.accept(two);

        sequencer.accept(two);
        sequencer.accept(one);
        sequencer.accept(withOffset(one, 0));
        settle();

        assertEquals(List.of(1L, 2L), offsets());
    }

    @Test
    void ofTwoWaitingEventsWithTheSameOffsetTheFirstIsKept() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        Envelope one = log.commit(ROOM);
        Envelope two = log.commit(ROOM);
        log.holdReads();

        sequencer.accept(two);
        sequencer.accept(withData(two, "{\"copy\":true}"));
        sequencer.accept(one);
        settle();

        assertEquals(List.of(1L, 2L), offsets());
        assertSame(two, delivered.get(1));
    }

    @Test
    void aGapIsFilledFromTheLogOnceTheGapWaitIsOver() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        Envelope one = log.commit(ROOM);
        log.commit(ROOM); // lost on its way
        Envelope three = log.commit(ROOM);

        sequencer.accept(one);
        sequencer.accept(three);

        awaitOffsets(1L, 2L, 3L);
        assertEquals(List.of(ROOM + " 1..2"), log.betweenReads(), "read only what was missing");
    }

    @Test
    void waitingEventsClaimingOffsetsAboveTheCommittedOneAreDroppedAsInvalid() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        sequencer.accept(log.commit(ROOM));
        Envelope forged = withOffset(log.envelope(ROOM, 1), 5);

        sequencer.accept(forged);

        await().atMost(TIMEOUT).until(() -> dropped(DropReason.INVALID) == 1.0);
        settle();
        assertEquals(List.of(1L), offsets());
        assertEquals(List.of(ROOM + " 1..4"), log.betweenReads());

        sequencer.accept(log.commit(ROOM));
        settle();
        assertEquals(List.of(1L, 2L), offsets(), "the stream goes on from the committed offset");
    }

    @Test
    void offsetsPrunedFromTheLogAreSkippedRatherThanWaitedFor() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        Envelope one = log.commit(ROOM);
        log.commit(ROOM);
        log.commit(ROOM);
        log.commit(ROOM);
        Envelope five = log.commit(ROOM);
        log.prune(ROOM, 2);
        log.prune(ROOM, 3);

        sequencer.accept(one);
        sequencer.accept(five);

        awaitOffsets(1L, 4L, 5L);
    }

    @Test
    void eventsThatNeverArrivedAreReadFromTheLogOnTheSecondCatchUpPass() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        log.commit(ROOM);
        log.commit(ROOM);

        sequencer.catchUpPass();
        settle();
        assertEquals(List.of(), offsets(), "one pass of grace for events on their way");
        log.commit(ROOM); // committed after the first pass: not due yet

        sequencer.catchUpPass();
        settle();
        assertEquals(List.of(1L, 2L), offsets());
        assertEquals(List.of(ROOM + " 0..2"), log.betweenReads());

        sequencer.catchUpPass();
        settle();
        assertEquals(List.of(1L, 2L, 3L), offsets());
    }

    @Test
    void anEventThatArrivesWithinTheGraceIsNotReadFromTheLog() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        Envelope one = log.commit(ROOM);

        sequencer.catchUpPass();
        sequencer.accept(one);
        sequencer.catchUpPass();
        sequencer.catchUpPass();
        settle();

        assertEquals(List.of(1L), offsets());
        assertEquals(List.of(), log.betweenReads());
    }

    @Test
    void aCatchUpPassWithoutStreamsReadsNothing() throws Exception {
        log.create(ROOM, "e1");

        sequencer.catchUpPass();
        settle();

        assertEquals(0, log.positionReads());
    }

    @Test
    void aCatchUpPassIsSkippedInABuildWithoutAnEventLog() throws Exception {
        LogInstance absent = new LogInstance(null);
        OffsetSequencer withoutLog = newSequencer(absent);

        withoutLog.catchUpPass();
        settle();

        assertFalse(absent.used, "the absent log was not asked for");
    }

    @Test
    void aRoomRecreatedUnderANewEpochIsClosedWithRoomDeletedAndTheStreamStartsOver() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        sequencer.accept(log.commit(ROOM));
        Envelope stale = log.commit(ROOM); // the old room's last event, still on its way
        log.delete(ROOM);
        log.create(ROOM, "e2");
        log.commit(ROOM);
        log.commit(ROOM);
        log.commit(ROOM);

        sequencer.catchUpPass();
        settle();
        assertEquals(2, delivered.size());
        assertRoomDeleted(delivered.get(1));

        sequencer.accept(stale);
        sequencer.accept(log.commit(ROOM));
        settle();
        assertEquals(3, delivered.size());
        assertEquals(4L, delivered.get(2).offset(), "the new room's events follow from its last offset");
        assertEquals("e2", epochOf(delivered.get(2)));
    }

    @Test
    void aRoomGoneFromTheLogIsClosedWithRoomDeletedOnce() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        sequencer.accept(log.commit(ROOM));
        log.delete(ROOM);

        sequencer.catchUpPass();
        sequencer.catchUpPass();
        sequencer.catchUpPass();
        settle();

        assertEquals(2, delivered.size());
        assertRoomDeleted(delivered.get(1));
    }

    @Test
    void aStreamOfARoomThatDidNotExistStartsOverOnceTheRoomIsCreated() throws Exception {
        retain(ROOM);
        log.create(ROOM, "e1");
        log.commit(ROOM);
        log.commit(ROOM);

        sequencer.catchUpPass();
        settle();
        sequencer.accept(log.commit(ROOM));
        settle();

        assertEquals(
                List.of(3L), offsets(), "no room.deleted for a room nobody here was in; it starts at its offset 2");
    }

    @Test
    void aRoomDeletedEventEndsTheStreamWhichStartsOverFromTheLog() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        sequencer.accept(log.commit(ROOM));
        Envelope deleted = log.commit(ROOM, EventNames.ROOM_DELETED);
        Envelope behind = withOffset(deleted, 3);
        log.delete(ROOM);
        log.create(ROOM, "e2");
        log.commit(ROOM);
        log.holdReads();

        sequencer.accept(behind);
        sequencer.accept(deleted);
        settle();
        assertEquals(List.of(1L, 2L), offsets(), "what waited behind room.deleted is void");
        assertEquals(EventNames.ROOM_DELETED, delivered.get(1).event());

        sequencer.accept(log.commit(ROOM));
        settle();
        assertEquals(List.of(1L, 2L, 2L), offsets());
        assertEquals("e2", epochOf(delivered.get(2)));
    }

    @Test
    void eventsArrivingWhileTheStartIsReadWaitForItAndOnlyThoseAboveItAreDelivered() throws Exception {
        log.create(ROOM, "e1");
        log.commit(ROOM);
        Envelope two = log.commit(ROOM);
        Envelope three = log.commit(ROOM);
        log.holdPositions();

        CompletableFuture<Void> ready = sequencer.retain(ROOM).subscribeAsCompletionStage();
        settle(); // the start is read now (offset 3); its answer is held
        Envelope four = log.commit(ROOM);
        sequencer.accept(four);
        sequencer.accept(three);
        sequencer.accept(two);
        settle();
        assertFalse(ready.isDone());
        assertEquals(List.of(), offsets());

        log.releasePositions();
        ready.get(10, TimeUnit.SECONDS);
        settle();

        assertEquals(List.of(4L), offsets());
    }

    @Test
    void aFailedStartFailsTheJoiningMemberAndTheNextMemberReadsItAgain() throws Exception {
        log.create(ROOM, "e1");
        log.commit(ROOM);
        Envelope two = log.commit(ROOM);
        log.failNextPositions();

        ExecutionException failure = assertThrows(ExecutionException.class, () -> retain(ROOM));
        assertInstanceOf(IllegalStateException.class, failure.getCause());

        retain(ROOM);
        sequencer.accept(two);
        sequencer.accept(log.commit(ROOM));
        settle();
        assertEquals(List.of(3L), offsets());
        assertEquals(2, log.positionReads());
    }

    @Test
    void eventsOfARoomWithoutLocalMembersAreIgnored() throws Exception {
        log.create(ROOM, "e1");
        log.create("chat:other", "o1");
        retain("chat:other");

        sequencer.accept(log.commit(ROOM));
        settle();

        assertEquals(List.of(), delivered);
    }

    @Test
    void theStreamEndsWithItsLastMember() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        retain(ROOM);

        sequencer.release(ROOM);
        sequencer.accept(log.commit(ROOM));
        settle();
        assertEquals(List.of(1L), offsets(), "one member is left");

        sequencer.release(ROOM);
        sequencer.accept(log.commit(ROOM));
        settle();
        assertEquals(List.of(1L), offsets(), "no member is left");
    }

    @Test
    void aStreamStartedAgainAfterItsLastMemberLeftReadsItsStartAgain() throws Exception {
        log.create(ROOM, "e1");
        retain(ROOM);
        sequencer.accept(log.commit(ROOM));
        sequencer.release(ROOM);
        log.commit(ROOM);
        log.commit(ROOM);

        retain(ROOM);
        sequencer.accept(log.commit(ROOM));
        settle();

        assertEquals(List.of(1L, 4L), offsets());
        assertEquals(2, log.positionReads());
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private OffsetSequencer newSequencer(Instance<OffsetSource> source) {
        RoomcastMetrics metrics = metrics(registry);
        // Created on the context so that its confined loop is that context, which settle() can queue behind.
        return onLoop(() -> new OffsetSequencer(source, vertx, metrics, delivered::add));
    }

    private void retain(String room) throws Exception {
        sequencer.retain(room).subscribeAsCompletionStage().get(10, TimeUnit.SECONDS);
    }

    /** Waits until every task queued on the sequencer's loop so far has run. */
    private void settle() {
        onLoop(() -> null);
    }

    private <T> T onLoop(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the event loop did not answer", e);
        }
    }

    private List<Long> offsets() {
        return delivered.stream().map(Envelope::offset).toList();
    }

    private void awaitOffsets(Long... expected) {
        await().atMost(TIMEOUT).until(() -> offsets().size() >= expected.length);
        settle();
        assertEquals(List.of(expected), offsets());
    }

    private double dropped(DropReason reason) {
        return registry.get("roomcast.dropped")
                .tag("reason", reason.tag())
                .counter()
                .count();
    }

    private static void assertRoomDeleted(Envelope envelope) {
        assertEquals(EventNames.ROOM_DELETED, envelope.event());
        assertEquals(DeliveryType.ROOM, envelope.type());
        assertEquals(ROOM, envelope.target());
        assertEquals(ROOM, envelope.leave(), "its recipients leave the room");
        assertNull(envelope.offset());
        assertEquals(ROOM, new JsonObject(envelope.data()).getString("room"));
    }

    private static String epochOf(Envelope envelope) {
        return new JsonObject(envelope.data()).getString("epoch");
    }

    private static Envelope withOffset(Envelope envelope, long offset) {
        return new Envelope(
                envelope.serverId(),
                envelope.type(),
                envelope.target(),
                envelope.event(),
                envelope.data(),
                envelope.exclude(),
                envelope.from(),
                offset,
                envelope.traceId(),
                envelope.acceptedAtMicros());
    }

    private static Envelope withData(Envelope envelope, String data) {
        return new Envelope(
                envelope.serverId(),
                envelope.type(),
                envelope.target(),
                envelope.event(),
                data,
                envelope.exclude(),
                envelope.from(),
                envelope.offset(),
                envelope.traceId(),
                envelope.acceptedAtMicros());
    }

    /** Its constructor is for CDI only (package-private): built here with a plain registry. */
    private static RoomcastMetrics metrics(MeterRegistry registry) {
        try {
            Constructor<RoomcastMetrics> constructor =
                    RoomcastMetrics.class.getDeclaredConstructor(MeterRegistry.class);
            constructor.setAccessible(true);
            return constructor.newInstance(registry);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build RoomcastMetrics", e);
        }
    }

    /**
     * An event log in memory: rooms with an epoch and their committed events. Answers at once, unless a test holds
     * its reads to decide when they complete. Called from the test thread and the event loop, hence synchronized.
     */
    private static final class FakeLog implements OffsetSource {

        private final Map<String, String> epochs = new HashMap<>();
        private final Map<String, Long> lastOffsets = new HashMap<>();
        private final Map<String, TreeMap<Long, Envelope>> events = new HashMap<>();
        private final List<String> betweenReads = new ArrayList<>();
        private int positionReads;
        private boolean failNextPositions;
        private CompletableFuture<Void> positionsGate;
        private CompletableFuture<Void> readsGate;

        synchronized void create(String room, String epoch) {
            epochs.put(room, epoch);
            lastOffsets.put(room, 0L);
            events.put(room, new TreeMap<>());
        }

        synchronized void delete(String room) {
            epochs.remove(room);
            lastOffsets.remove(room);
            events.remove(room);
        }

        Envelope commit(String room) {
            return commit(room, "message.created");
        }

        synchronized Envelope commit(String room, String event) {
            long offset = lastOffsets.get(room) + 1;
            Envelope envelope =
                    new Envelope("pod1", DeliveryType.ROOM, room, event, data(room), List.of(), null, offset, null, 1L);
            events.get(room).put(offset, envelope);
            lastOffsets.put(room, offset);
            return envelope;
        }

        synchronized Envelope envelope(String room, long offset) {
            return events.get(room).get(offset);
        }

        /** Retention removed the event; the room's last offset stays. */
        synchronized void prune(String room, long offset) {
            events.get(room).remove(offset);
        }

        synchronized void failNextPositions() {
            failNextPositions = true;
        }

        synchronized void holdPositions() {
            positionsGate = new CompletableFuture<>();
        }

        void releasePositions() {
            CompletableFuture<Void> gate;
            synchronized (this) {
                gate = positionsGate;
                positionsGate = null;
            }
            gate.complete(null);
        }

        /** Gap fills never complete from now on. */
        synchronized void holdReads() {
            readsGate = new CompletableFuture<>();
        }

        synchronized List<String> betweenReads() {
            return List.copyOf(betweenReads);
        }

        synchronized int positionReads() {
            return positionReads;
        }

        @Override
        public synchronized Uni<Map<String, StreamPosition>> positions(Collection<String> rooms) {
            positionReads++;
            if (failNextPositions) {
                failNextPositions = false;
                return Uni.createFrom().failure(new IllegalStateException("log unavailable"));
            }
            Map<String, StreamPosition> found = snapshot(rooms);
            if (positionsGate != null) {
                return Uni.createFrom().completionStage(positionsGate).map(ignored -> found);
            }
            return Uni.createFrom().item(found);
        }

        @Override
        public synchronized Uni<LogSlice> between(String room, long after, long until) {
            betweenReads.add(room + " " + after + ".." + until);
            TreeMap<Long, Envelope> logged = events.get(room);
            List<Envelope> found = logged == null
                    ? List.of()
                    : List.copyOf(logged.subMap(after, false, until, true).values());
            LogSlice slice = new LogSlice(found, position(room));
            if (readsGate != null) {
                return Uni.createFrom().completionStage(readsGate).map(ignored -> slice);
            }
            return Uni.createFrom().item(slice);
        }

        private Map<String, StreamPosition> snapshot(Collection<String> rooms) {
            Map<String, StreamPosition> found = new HashMap<>();
            for (String room : rooms) {
                StreamPosition position = position(room);
                if (position != null) {
                    found.put(room, position);
                }
            }
            return found;
        }

        private StreamPosition position(String room) {
            String epoch = epochs.get(room);
            return epoch == null ? null : new StreamPosition(epoch, lastOffsets.get(room));
        }

        private String data(String room) {
            return new JsonObject().put("epoch", epochs.get(room)).encode();
        }
    }

    /** The CDI handle the sequencer gets its log through; {@code null} for a build without an event log. */
    private static final class LogInstance implements Instance<OffsetSource> {

        private final OffsetSource source;
        volatile boolean used;

        LogInstance(OffsetSource source) {
            this.source = source;
        }

        @Override
        public OffsetSource get() {
            used = true;
            if (source == null) {
                throw new IllegalStateException("no event log in this build");
            }
            return source;
        }

        @Override
        public boolean isUnsatisfied() {
            return source == null;
        }

        @Override
        public boolean isAmbiguous() {
            return false;
        }

        @Override
        public Iterator<OffsetSource> iterator() {
            return source == null
                    ? List.<OffsetSource>of().iterator()
                    : List.of(source).iterator();
        }

        @Override
        public Instance<OffsetSource> select(Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends OffsetSource> Instance<U> select(Class<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <U extends OffsetSource> Instance<U> select(TypeLiteral<U> subtype, Annotation... qualifiers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void destroy(OffsetSource instance) {}

        @Override
        public Handle<OffsetSource> getHandle() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Iterable<? extends Handle<OffsetSource>> handles() {
            throw new UnsupportedOperationException();
        }
    }
}
