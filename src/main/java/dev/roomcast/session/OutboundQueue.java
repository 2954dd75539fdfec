package dev.roomcast.session;

/**
 * The bytes of live events waiting in one connection's socket write queue: what the slow-consumer budget is measured
 * against. A socket completes its writes in the order they were made, so each completion takes the oldest size off a
 * small ring, so a write allocates nothing here. Confined to the connection's event loop.
 */
final class OutboundQueue {

    private static final int[] EMPTY = new int[0];

    private int[] sizes = EMPTY;
    private int head;
    private int count;
    private int queuedBytes;
    /** Called after each completed write while someone waits for room (a paced replay); null otherwise. */
    private Runnable drainListener;

    int queuedBytes() {
        return queuedBytes;
    }

    /** A write was handed to the socket; {@code counted} bytes of it count toward the budget (0 for replies). */
    void add(int counted) {
        if (count == sizes.length) {
            grow();
        }
        sizes[(head + count) & (sizes.length - 1)] = counted;
        count++;
        queuedBytes += counted;
    }

    /** The oldest write reached the socket (or failed: either way it is no longer queued). */
    void written() {
        if (count == 0) {
            return;
        }
        queuedBytes -= sizes[head];
        head = (head + 1) & (sizes.length - 1);
        count--;
        notifyDrain();
    }

    void onDrain(Runnable listener) {
        drainListener = listener;
    }

    void notifyDrain() {
        Runnable listener = drainListener;
        if (listener != null) {
            listener.run();
        }
    }

    private void grow() {
        int[] larger = new int[Math.max(8, sizes.length * 2)];
        for (int i = 0; i < count; i++) {
            larger[i] = sizes[(head + i) & (sizes.length - 1)];
        }
        sizes = larger;
        head = 0;
    }
}
