package dev.roomcast.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link OutboundQueue}: bytes counted per write, taken off oldest first as writes complete, and the drain listener. */
class OutboundQueueTest {

    private final OutboundQueue queue = new OutboundQueue();

    @Test
    void anEmptyQueueHoldsNoBytes() {
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void everyWriteAddsItsCountedBytes() {
        queue.add(10);
        queue.add(20);
        queue.add(30);

        assertEquals(60, queue.queuedBytes());
    }

    @Test
    void aCompletedWriteTakesOffTheOldestWritesSize() {
        queue.add(10);
        queue.add(20);
        queue.add(30);

        queue.written();
        assertEquals(50, queue.queuedBytes());
        queue.written();
        assertEquals(30, queue.queuedBytes());
        queue.written();
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void anUncountedWriteStillTakesItsTurnInTheCompletions() {
        queue.add(0); // a reply
        queue.add(100);

        queue.written();

        assertEquals(100, queue.queuedBytes(), "the first completion is the reply's");
    }

    @Test
    void aCompletionWithNothingQueuedIsIgnoredAndDoesNotGoNegative() {
        List<String> drains = new ArrayList<>();
        queue.onDrain(() -> drains.add("drain"));

        queue.written();
        queue.add(5);

        assertEquals(5, queue.queuedBytes());
        assertEquals(List.of(), drains, "nothing completed, so nothing drained");
    }

    @Test
    void theRingKeepsOrderWhenItWrapsAndGrows() {
        List<Integer> expected = new ArrayList<>();
        int next = 1;
        // Move the head into the ring, then overflow it twice with the head away from slot 0.
        for (int i = 0; i < 5; i++) {
            queue.add(next);
            expected.add(next++);
        }
        for (int i = 0; i < 3; i++) {
            queue.written();
            expected.remove(0);
        }
        for (int i = 0; i < 20; i++) {
            queue.add(next);
            expected.add(next++);
        }
        assertEquals(sum(expected), queue.queuedBytes());

        while (!expected.isEmpty()) {
            int before = queue.queuedBytes();
            queue.written();
            assertEquals(expected.remove(0), before - queue.queuedBytes());
        }
        assertEquals(0, queue.queuedBytes());
    }

    @Test
    void theDrainListenerRunsAfterEachCompletedWriteWithTheBytesAlreadyTakenOff() {
        List<Integer> seen = new ArrayList<>();
        queue.onDrain(() -> seen.add(queue.queuedBytes()));
        queue.add(7);
        queue.add(3);

        queue.written();
        queue.written();

        assertEquals(List.of(3, 0), seen);
    }

    @Test
    void aReplacedOrClearedDrainListenerIsNoLongerCalled() {
        List<String> calls = new ArrayList<>();
        queue.onDrain(() -> calls.add("first"));
        queue.onDrain(() -> calls.add("second"));
        queue.add(1);
        queue.add(1);

        queue.written();
        queue.onDrain(null);
        queue.written();

        assertEquals(List.of("second"), calls);
    }

    @Test
    void notifyDrainCallsTheListenerWithoutACompletion() {
        List<String> calls = new ArrayList<>();
        queue.add(4);
        queue.notifyDrain(); // no listener: nothing happens
        queue.onDrain(() -> calls.add("drain"));

        queue.notifyDrain();

        assertEquals(List.of("drain"), calls);
        assertEquals(4, queue.queuedBytes());
    }

    private static int sum(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).sum();
    }
}
