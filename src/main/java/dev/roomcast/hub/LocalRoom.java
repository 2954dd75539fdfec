package dev.roomcast.hub;

import java.util.Arrays;
import java.util.List;

/**
 * One room's members on one shard. Members are a dense array; removal swaps the last member into the hole and
 * tells it its new slot. Joining connections wait in {@link #pending} (slot -1 in their memberships) until their join
 * is complete. Exists only while it has members. Confined to the shard's event loop.
 */
final class LocalRoom {

    private static final Recipient[] EMPTY = new Recipient[0];

    /** Room name ({@code live:x}, {@code user:alice}); null for the shard's set of all connections. */
    final String key;

    final String channel;
    final boolean automatic;
    /** Whether the room's events carry offsets (history): they reach it through the pod's offset sequencer. */
    final boolean persisted;
    /** Whether the room's namespace tracks presence: its members' comings and goings are reported. */
    final boolean presence;

    Recipient[] members = EMPTY;
    int size;
    /** Joins under way; null when none (the common case costs one null check per delivery). */
    List<PendingMember> pending;
    /** Offset of the newest persisted event delivered here (0 before any). */
    long lastOffset;

    LocalRoom(String key, String channel, boolean automatic, boolean persisted, boolean presence) {
        this.key = key;
        this.channel = channel;
        this.automatic = automatic;
        this.persisted = persisted;
        this.presence = presence;
    }

    boolean isEmpty() {
        return size == 0 && (pending == null || pending.isEmpty());
    }

    PendingMember pendingOf(Recipient recipient) {
        if (pending != null) {
            for (PendingMember member : pending) {
                if (member.recipient == recipient) {
                    return member;
                }
            }
        }
        return null;
    }

    void removePending(Recipient recipient) {
        if (pending != null) {
            pending.removeIf(member -> member.recipient == recipient);
            if (pending.isEmpty()) {
                pending = null;
            }
        }
    }

    int add(Recipient recipient) {
        if (size == members.length) {
            members = Arrays.copyOf(members, Math.max(4, size * 2));
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
