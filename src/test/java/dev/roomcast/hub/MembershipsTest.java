package dev.roomcast.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Memberships}: one connection's rooms and slots, explicit versus automatic rooms, and O(1) removal by swap. */
class MembershipsTest {

    private final Memberships memberships = new Memberships();

    @Test
    void aNewConnectionIsInNoRoom() {
        assertEquals(0, memberships.joinedCount());
        assertFalse(memberships.isIn("live:a"));
        assertEquals(Set.of(), memberships.joinedRoomNames());
        assertEquals(-1, memberships.allSlot);
        assertEquals(-1, memberships.indexOf("live:a"));
    }

    @Test
    void onlyExplicitlyJoinedRoomsCountAsJoined() {
        memberships.add(room("user:alice", true), 0);
        memberships.add(room("client:p.1", true), 0);
        memberships.add(room("live:a", false), 3);
        memberships.add(room("chat:b", false), 1);

        assertEquals(2, memberships.joinedCount());
        assertEquals(Set.of("live:a", "chat:b"), memberships.joinedRoomNames());
        assertTrue(memberships.isIn("user:alice"), "an automatic room is still a membership");
        assertTrue(memberships.isIn("chat:b"));
        assertFalse(memberships.isIn("chat:c"));
    }

    @Test
    void aRoomIsFoundByNameOrByIdentity() {
        LocalRoom a = room("live:a", false);
        memberships.add(room("live:z", false), 0);
        memberships.add(a, 5);

        assertEquals(1, memberships.indexOf("live:a"));
        assertEquals(1, memberships.indexOf(a));
        assertEquals(-1, memberships.indexOf(room("live:a", false)), "another room object of the same name");
        assertEquals(5, memberships.slots[memberships.indexOf(a)]);
    }

    @Test
    void removingARoomReturnsTheSlotAndMovesTheLastRoomIntoItsPlace() {
        LocalRoom a = room("live:a", false);
        LocalRoom b = room("live:b", false);
        LocalRoom c = room("live:c", false);
        memberships.add(a, 10);
        memberships.add(b, 20);
        memberships.add(c, 30);

        assertEquals(10, memberships.removeAt(0));

        assertEquals(2, memberships.count);
        assertSame(c, memberships.rooms[0]);
        assertEquals(30, memberships.slots[0]);
        assertSame(b, memberships.rooms[1]);
        assertEquals(20, memberships.slots[1]);
        assertNull(memberships.rooms[2], "no reference kept to a room left");
        assertFalse(memberships.isIn("live:a"));
        assertEquals(2, memberships.joinedCount());
    }

    @Test
    void removingTheLastRoomMovesNothing() {
        LocalRoom a = room("live:a", false);
        memberships.add(a, 1);
        memberships.add(room("live:b", false), 2);

        assertEquals(2, memberships.removeAt(1));

        assertEquals(1, memberships.count);
        assertSame(a, memberships.rooms[0]);
        assertEquals(1, memberships.slots[0]);
    }

    @Test
    void removingAnAutomaticRoomLeavesTheJoinedCount() {
        memberships.add(room("live:a", false), 0);
        memberships.add(room("user:alice", true), 0);

        memberships.removeAt(memberships.indexOf("user:alice"));

        assertEquals(1, memberships.joinedCount());
        memberships.removeAt(memberships.indexOf("live:a"));
        assertEquals(0, memberships.joinedCount());
        assertEquals(0, memberships.count);
    }

    @Test
    void theArraysGrowPastTheirFirstCapacityKeepingEveryRoomAndSlot() {
        LocalRoom[] rooms = new LocalRoom[11];
        for (int i = 0; i < rooms.length; i++) {
            rooms[i] = room("live:r" + i, i % 3 == 0);
            memberships.add(rooms[i], 100 + i);
        }

        assertEquals(11, memberships.count);
        assertEquals(7, memberships.joinedCount(), "r0, r3, r6 and r9 are automatic");
        for (int i = 0; i < rooms.length; i++) {
            assertEquals(i, memberships.indexOf(rooms[i]));
            assertEquals(100 + i, memberships.slots[i]);
        }
    }

    @Test
    void setSlotAndMoveSlotChangeOnlyThatRoomsSlot() {
        LocalRoom a = room("live:a", false);
        LocalRoom b = room("live:b", false);
        memberships.add(a, -1); // pending
        memberships.add(b, 4);

        memberships.setSlot(a, 7);
        memberships.moveSlot(b, 2);

        assertEquals(7, memberships.slots[memberships.indexOf(a)]);
        assertEquals(2, memberships.slots[memberships.indexOf(b)]);
        assertEquals(-1, memberships.allSlot);
    }

    @Test
    void aMoveInTheShardsRoomOfAllConnectionsChangesTheAllSlot() {
        LocalRoom a = room("live:a", false);
        memberships.add(a, 4);
        memberships.allSlot = 9;

        memberships.moveSlot(new LocalRoom(null, null, true, false, false), 3);

        assertEquals(3, memberships.allSlot);
        assertEquals(4, memberships.slots[memberships.indexOf(a)]);
    }

    @Test
    void joinedRoomNamesIsASnapshot() {
        memberships.add(room("live:a", false), 0);
        Set<String> names = memberships.joinedRoomNames();

        memberships.add(room("live:b", false), 0);
        memberships.removeAt(memberships.indexOf("live:a"));

        assertEquals(Set.of("live:a"), names);
        assertEquals(Set.of("live:b"), memberships.joinedRoomNames());
    }

    private static LocalRoom room(String key, boolean automatic) {
        return new LocalRoom(key, "ws:room:" + key, automatic, false, false);
    }
}
