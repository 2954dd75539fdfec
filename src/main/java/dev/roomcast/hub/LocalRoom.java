package dev.roomcast.hub;

import io.smallrye.mutiny.Uni;

/**
 * One room's members on one shard, and this shard's claim on the pod's broker subscription for the room.
 * Members are a dense array; removal swaps the last member into the hole and tells it its new slot.
 * Confined to the shard's event loop.
 */
final class LocalRoom {

    private static final Recipient[] EMPTY = new Recipient[0];

    /** Room name ({@code live:x}, {@code user:alice}); null for the shard's set of all connections. */
    final String key;
    final String channel;
    final boolean automatic;
    Recipient[] members = EMPTY;
    int size;
    /** Joins waiting for {@link #subscribed}: the room must outlive them even while it has no member. */
    int pending;
    /** Completes (on the shard) once the pod receives the room's channel. */
    Uni<Void> subscribed;

    LocalRoom(String key, String channel, boolean automatic) {
        this.key = key;
        this.channel = channel;
        this.automatic = automatic;
    }

    int add(Recipient recipient) {
        if (size == members.length) {
            members = java.util.Arrays.copyOf(members, Math.max(4, size * 2));
        }
        members[size] = recipient;
        return size++;
    }

    void removeAt(int slot) {
        int last = --size;
        if (slot != last) {
            Recipient moved = members[last];
            members[slot] = moved;
            moved.memberships().moveSlot(this, slot);
        }
        members[last] = null;
        if (size == 0 && members.length > 64) {
            members = EMPTY;
        }
    }

    boolean isUnused() {
        return size == 0 && pending == 0;
    }
}
