package dev.roomcast.hub;

/**
 * One room's members on one shard. Members are a dense array; removal swaps the last member into the hole and
 * tells it its new slot. Exists only while it has members. Confined to the shard's event loop.
 */
final class LocalRoom {

    private static final Recipient[] EMPTY = new Recipient[0];

    /** Room name ({@code live:x}, {@code user:alice}); null for the shard's set of all connections. */
    final String key;
    final String channel;
    final boolean automatic;
    Recipient[] members = EMPTY;
    int size;

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
    }
}
