package dev.roomcast.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalRoom}: the dense member array (slots handed out in order, growth, removal by moving the last member into
 * the hole and telling it its new slot) and the joins kept pending until their ack.
 */
class LocalRoomTest {

    private final LocalRoom room = new LocalRoom("live:a", "ws:room:live:a", false, true, true);

    @Test
    void aNewRoomIsEmptyAndKeepsWhatItWasCreatedWith() {
        assertTrue(room.isEmpty());
        assertEquals(0, room.size);
        assertNull(room.pending);
        assertEquals(0, room.lastOffset);
        assertEquals("live:a", room.key);
        assertEquals("ws:room:live:a", room.channel);
        assertFalse(room.automatic);
        assertTrue(room.persisted);
        assertTrue(room.presence);
    }

    @Test
    void membersGetConsecutiveSlotsAndTheArrayGrowsForMore() {
        Member[] members = new Member[9];
        for (int i = 0; i < members.length; i++) {
            members[i] = new Member("c" + i);
            assertEquals(i, join(members[i]));
        }

        assertEquals(9, room.size);
        assertFalse(room.isEmpty());
        for (int i = 0; i < members.length; i++) {
            assertSame(members[i], room.members[i]);
        }
    }

    @Test
    void removingAMemberMovesTheLastIntoTheHoleAndTellsItItsNewSlot() {
        Member first = new Member("c0");
        Member second = new Member("c1");
        Member last = new Member("c2");
        join(first);
        join(second);
        join(last);

        room.removeAt(first.slotIn(room));

        assertEquals(2, room.size);
        assertSame(last, room.members[0]);
        assertSame(second, room.members[1]);
        assertNull(room.members[2], "no reference kept past the size");
        assertEquals(0, last.slotIn(room));
        assertEquals(1, second.slotIn(room));
    }

    @Test
    void removingTheLastMemberMovesNobody() {
        Member first = new Member("c0");
        Member last = new Member("c1");
        join(first);
        join(last);

        room.removeAt(last.slotIn(room));

        assertEquals(1, room.size);
        assertSame(first, room.members[0]);
        assertNull(room.members[1]);
        assertEquals(0, first.slotIn(room));
    }

    @Test
    void slotsStayRightThroughManyRemovals() {
        List<Member> inRoom = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Member member = new Member("c" + i);
            join(member);
            inRoom.add(member);
        }
        for (int index : new int[] {5, 0, 7, 3, 3, 0}) {
            Member leaving = inRoom.remove(index);
            int slot = leaving.slotIn(room);
            leaving.memberships.removeAt(leaving.memberships.indexOf(room));
            room.removeAt(slot);
        }

        assertEquals(inRoom.size(), room.size);
        for (Member member : inRoom) {
            assertSame(member, room.members[member.slotIn(room)], member.clientId());
        }
    }

    @Test
    void aRoomWhoseMembersAllLeftIsEmptyAndStartsAgainAtSlotZero() {
        Member one = new Member("c0");
        join(one);

        room.removeAt(0);

        assertTrue(room.isEmpty());
        assertEquals(0, join(new Member("c1")));
    }

    @Test
    void theShardsRoomOfAllConnectionsTellsAMovedMemberThroughItsAllSlot() {
        LocalRoom all = new LocalRoom(null, null, true, false, false);
        Member first = new Member("c0");
        Member last = new Member("c1");
        first.memberships.allSlot = all.add(first);
        last.memberships.allSlot = all.add(last);

        all.removeAt(first.memberships.allSlot);

        assertSame(last, all.members[0]);
        assertEquals(0, last.memberships.allSlot);
    }

    @Test
    void aPendingJoinKeepsTheRoomFromBeingEmpty() {
        Member joining = new Member("c0");
        room.pending = new ArrayList<>();
        room.pending.add(new PendingMember(joining));

        assertFalse(room.isEmpty());
        assertEquals(0, room.size);
    }

    @Test
    void aPendingMemberIsFoundByIdentity() {
        Member joining = new Member("c0");
        Member lookalike = new Member("c0");
        PendingMember pending = new PendingMember(joining);
        room.pending = new ArrayList<>();
        room.pending.add(pending);

        assertSame(pending, room.pendingOf(joining));
        assertNull(room.pendingOf(lookalike));
    }

    @Test
    void withoutPendingJoinsNothingIsPending() {
        assertNull(room.pendingOf(new Member("c0")));
        room.removePending(new Member("c0")); // nothing to remove: no failure
        assertNull(room.pending);
    }

    @Test
    void removingTheLastPendingJoinDropsThePendingList() {
        Member one = new Member("c0");
        Member two = new Member("c1");
        room.pending = new ArrayList<>();
        room.pending.add(new PendingMember(one));
        room.pending.add(new PendingMember(two));

        room.removePending(one);
        assertEquals(1, room.pending.size());
        assertSame(two, room.pending.get(0).recipient);

        room.removePending(new Member("c9"));
        assertEquals(1, room.pending.size(), "another connection's removal leaves the join pending");

        room.removePending(two);
        assertNull(room.pending);
        assertTrue(room.isEmpty());
    }

    /** Adds the member to the room and records the slot in its memberships, as the shard does. */
    private int join(Member member) {
        int slot = room.add(member);
        member.memberships.add(room, slot);
        return slot;
    }

    /** A connection as far as rooms see it: an id and its memberships. */
    private static final class Member implements Recipient {

        final Memberships memberships = new Memberships();
        private final String clientId;

        Member(String clientId) {
            this.clientId = clientId;
        }

        int slotIn(LocalRoom room) {
            return memberships.slots[memberships.indexOf(room)];
        }

        @Override
        public String clientId() {
            return clientId;
        }

        @Override
        public String userId() {
            return "user-" + clientId;
        }

        @Override
        public boolean isAdmin() {
            return false;
        }

        @Override
        public boolean isAuthenticated() {
            return true;
        }

        @Override
        public void write(String frame, boolean persisted) {
            throw new AssertionError("rooms do not write");
        }

        @Override
        public boolean hold(int size, boolean persisted) {
            return true;
        }

        @Override
        public void unhold(int size) {}

        @Override
        public Memberships memberships() {
            return memberships;
        }

        @Override
        public HubShard shard() {
            return null;
        }

        @Override
        public void goAway(String reconnectFrame, long closeAfterMillis) {
            throw new AssertionError("rooms do not close connections");
        }

        @Override
        public void tick(long nowNanos, long nowEpochSecond) {}
    }
}
