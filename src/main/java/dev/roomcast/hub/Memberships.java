package dev.roomcast.hub;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The rooms one connection is in on its shard, each with the connection's slot in that room's member array
 * (so that leaving is O(1) in the room's size). A few rooms per connection is the common case, so a pair of
 * small arrays beats a hash set in memory and speed. Confined to the shard's event loop.
 */
public final class Memberships {

    private static final LocalRoom[] NO_ROOMS = new LocalRoom[0];
    private static final int[] NO_SLOTS = new int[0];

    LocalRoom[] rooms = NO_ROOMS;
    int[] slots = NO_SLOTS;
    int count;
    int joinedCount;
    int allSlot = -1;

    /** Rooms joined explicitly: automatic {@code user:}/{@code client:} rooms do not count. */
    public int joinedCount() {
        return joinedCount;
    }

    public boolean isIn(String room) {
        return indexOf(room) >= 0;
    }

    int indexOf(String room) {
        for (int i = 0; i < count; i++) {
            if (rooms[i].key.equals(room)) {
                return i;
            }
        }
        return -1;
    }

    int indexOf(LocalRoom room) {
        for (int i = 0; i < count; i++) {
            if (rooms[i] == room) {
                return i;
            }
        }
        return -1;
    }

    void add(LocalRoom room, int slot) {
        if (count == rooms.length) {
            int capacity = Math.max(4, count * 2);
            rooms = Arrays.copyOf(rooms, capacity);
            slots = Arrays.copyOf(slots, capacity);
        }
        rooms[count] = room;
        slots[count] = slot;
        count++;
        if (!room.automatic) {
            joinedCount++;
        }
    }

    /** Forgets the room at {@code index}; returns the connection's slot in it. */
    int removeAt(int index) {
        LocalRoom room = rooms[index];
        int slot = slots[index];
        int last = --count;
        rooms[index] = rooms[last];
        slots[index] = slots[last];
        rooms[last] = null;
        if (!room.automatic) {
            joinedCount--;
        }
        return slot;
    }

    /** The rooms joined explicitly, by name: a snapshot other threads may read. */
    public Set<String> joinedRoomNames() {
        Set<String> names = new HashSet<>(joinedCount * 2);
        for (int i = 0; i < count; i++) {
            if (!rooms[i].automatic) {
                names.add(rooms[i].key);
            }
        }
        return names;
    }

    void setSlot(LocalRoom room, int slot) {
        slots[indexOf(room)] = slot;
    }

    void moveSlot(LocalRoom room, int newSlot) {
        if (room.key == null) {
            allSlot = newSlot;
            return;
        }
        slots[indexOf(room)] = newSlot;
    }
}
