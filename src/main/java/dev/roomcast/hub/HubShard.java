package dev.roomcast.hub;

import dev.roomcast.protocol.Envelope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The hub's part for one event loop: the rooms of the connections living on that loop and their members.
 * Everything here runs on that loop, so nothing is locked; other threads hand work over with
 * {@link #execute(Runnable)}, once per delivery and shard rather than once per recipient. Each membership holds one
 * unit of the pod's interest in the room's channel, which the broker counts.
 */
public final class HubShard {

    private final Hub hub;
    private final Context context;
    private final Thread thread;
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    /** Every connection on this loop, authenticated or not: broadcasts and the timeout sweep walk it. */
    private final LocalRoom all = new LocalRoom(null, null, true, false, false);

    HubShard(Hub hub, Context context, Thread thread) {
        this.hub = hub;
        this.context = context;
        this.thread = thread;
    }

    /** The loop's own (root) context. */
    public Context context() {
        return context;
    }

    public boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /** Runs the task on this shard's loop: at once when already there, else queued behind earlier tasks. */
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread) {
            task.run();
        } else {
            context.runOnContext(ignored -> task.run());
        }
    }

    public void register(Recipient recipient) {
        recipient.memberships().allSlot = all.add(recipient);
    }

    /** Removes the connection from every room and from the shard, releasing its interest in their channels. */
    public void unregister(Recipient recipient) {
        Memberships memberships = recipient.memberships();
        for (int i = memberships.count - 1; i >= 0; i--) {
            LocalRoom room = memberships.rooms[i];
            remove(room, recipient, memberships.removeAt(i));
        }
        if (memberships.allSlot >= 0) {
            all.removeAt(memberships.allSlot);
            memberships.allSlot = -1;
        }
    }

    /**
     * First step of a join: registers interest in the room's channel (and, for a room with history, in its ordered
     * stream on this pod). The Uni completes, on this loop, once the pod receives the channel now (after a Redis
     * reconnect the pod must subscribe again) and knows where the stream starts. Exactly one of {@link #commit},
     * {@link #commitPending} or {@link #abandon} must follow.
     */
    public Uni<Void> reserve(String room, String channel, boolean persisted) {
        Uni<Void> subscribed = hub.subscribe(channel);
        Uni<Void> ready = persisted
                ? Uni.combine().all().unis(subscribed, hub.retainHistory(room)).discardItems()
                : subscribed;
        return ready.emitOn(this::execute);
    }

    /** Completes a reservation at once: from now on the connection receives the room's events. */
    public void commit(Recipient recipient, String room, String channel, boolean automatic) {
        LocalRoom local = localRoom(room, channel, automatic, false, false);
        recipient.memberships().add(local, local.add(recipient));
    }

    /**
     * Completes a reservation for a join whose ack is still to be written: the room's frames are kept for the
     * connection until {@link #completeJoin}.
     */
    public void commitPending(Recipient recipient, String room, String channel, boolean persisted, boolean presence) {
        LocalRoom local = localRoom(room, channel, false, persisted, presence);
        if (local.pending == null) {
            local.pending = new ArrayList<>(2);
        }
        local.pending.add(new PendingMember(recipient));
        recipient.memberships().add(local, -1);
    }

    /**
     * The join's ack (and any replay) has been written: writes what was kept meanwhile and goes live. Persisted events
     * at or below {@code floor} (the offset the ack announced; -1 for none) are skipped now and until the room's stream
     * here passes it.
     */
    public void completeJoin(Recipient recipient, String room, long floor) {
        LocalRoom local = rooms.get(room);
        PendingMember pending = local == null ? null : local.pendingOf(recipient);
        if (pending == null) {
            return; // left meanwhile
        }
        pending.floor = floor;
        pending.acked = true;
        if (local.presence) {
            hub.presence().joined(room, recipient.userId());
        }
        List<Object> kept = pending.buffer;
        pending.buffer = null;
        pending.release();
        for (int i = 0; i < kept.size(); i += 2) {
            Long offset = (Long) kept.get(i + 1);
            if (pending.wants(offset)) {
                recipient.write((String) kept.get(i), offset != null);
            }
        }
        if (floor < 0 || local.lastOffset >= floor) {
            graduate(local, pending);
        }
    }

    /** Gives up a reservation (its subscription failed, or the join was refused after it). */
    public void abandon(String room, String channel, boolean persisted) {
        hub.unsubscribe(channel);
        if (persisted) {
            hub.releaseHistory(room);
        }
    }

    /** @return whether the connection was in the room */
    public boolean leave(Recipient recipient, String room) {
        Memberships memberships = recipient.memberships();
        int index = memberships.indexOf(room);
        if (index < 0) {
            return false;
        }
        LocalRoom local = memberships.rooms[index];
        remove(local, recipient, memberships.removeAt(index));
        return true;
    }

    private LocalRoom localRoom(String room, String channel, boolean automatic, boolean persisted, boolean presence) {
        LocalRoom local = rooms.get(room);
        if (local == null) {
            local = new LocalRoom(room, channel, automatic, persisted, presence);
            rooms.put(room, local);
        }
        return local;
    }

    private void graduate(LocalRoom local, PendingMember pending) {
        local.removePending(pending.recipient);
        pending.recipient.memberships().setSlot(local, local.add(pending.recipient));
    }

    private void remove(LocalRoom local, Recipient recipient, int slot) {
        // Presence knows of a member once its join was acknowledged, pending or not.
        boolean announced;
        if (slot < 0) {
            PendingMember pending = local.pendingOf(recipient);
            announced = pending != null && pending.acked;
            if (pending != null) {
                pending.release();
            }
            local.removePending(recipient);
        } else {
            announced = true;
            local.removeAt(slot);
        }
        if (announced && local.presence) {
            hub.presence().left(local.key, recipient.userId());
        }
        released(local);
    }

    void deliverToRoom(String room, String frame, Envelope envelope, Recipient[] excluded) {
        LocalRoom local = rooms.get(room);
        if (local == null) {
            return;
        }
        if (local.size > 0) {
            deliver(local, frame, envelope, excluded, false);
        }
        if (local.pending != null) {
            deliverToPending(local, frame, envelope, excluded);
        }
        if (envelope.offset() != null) {
            local.lastOffset = envelope.offset();
        }
        if (envelope.leave() != null) {
            evict(local, envelope.leave(), envelope.leaveSparesAdmins());
        }
    }

    /**
     * After a delivery that removes its recipients from a room: the members of {@code recipients} (a room, or the
     * user's automatic room) leave {@code room}, pending joins included; admins' sessions stay when {@code sparesAdmins}.
     */
    private void evict(LocalRoom recipients, String room, boolean sparesAdmins) {
        List<Recipient> leaving =
                new ArrayList<>(recipients.size + (recipients.pending == null ? 0 : recipients.pending.size()));
        for (int i = 0; i < recipients.size; i++) {
            leaving.add(recipients.members[i]);
        }
        if (recipients.pending != null) {
            recipients.pending.forEach(pending -> leaving.add(pending.recipient));
        }
        for (Recipient recipient : leaving) {
            if (!(sparesAdmins && recipient.isAdmin())) {
                leave(recipient, room);
            }
        }
    }

    private void deliverToPending(LocalRoom local, String frame, Envelope envelope, Recipient[] excluded) {
        Long offset = envelope.offset();
        for (PendingMember pending : List.copyOf(local.pending)) {
            if (isExcluded(pending.recipient, excluded)) {
                continue;
            }
            if (!pending.acked) {
                pending.keep(frame, offset);
            } else if (pending.wants(offset)) {
                pending.recipient.write(frame, offset != null);
                hub.metrics().delivered(envelope.type(), 1, envelope.acceptedAtMicros());
                if (offset != null) {
                    graduate(local, pending); // the stream has passed its floor
                }
            }
        }
    }

    void deliverToAll(String frame, Envelope envelope, Recipient[] excluded) {
        deliver(all, frame, envelope, excluded, true);
    }

    void deliverTo(Recipient recipient, String frame, Envelope envelope, Recipient[] excluded) {
        if (recipient.memberships().allSlot < 0 || isExcluded(recipient, excluded)) {
            return;
        }
        recipient.write(frame, envelope.offset() != null);
        hub.metrics().delivered(envelope.type(), 1, envelope.acceptedAtMicros());
    }

    private void deliver(
            LocalRoom room, String frame, Envelope envelope, Recipient[] excluded, boolean authenticatedOnly) {
        Recipient[] members = room.members;
        int size = room.size;
        boolean filter = excluded.length > 0;
        int written = 0;
        boolean persisted = envelope.offset() != null;
        for (int i = 0; i < size; i++) {
            Recipient member = members[i];
            if ((authenticatedOnly && !member.isAuthenticated()) || (filter && isExcluded(member, excluded))) {
                continue;
            }
            member.write(frame, persisted);
            written++;
        }
        if (written > 0) {
            hub.metrics().delivered(envelope.type(), written, envelope.acceptedAtMicros());
        }
    }

    private static boolean isExcluded(Recipient recipient, Recipient[] excluded) {
        for (Recipient one : excluded) {
            if (one == recipient) {
                return true;
            }
        }
        return false;
    }

    /** The rooms with members on this loop: the automatic ones ({@code user:}, {@code client:}) or the others. */
    List<String> roomNames(boolean automatic) {
        List<String> names = new ArrayList<>();
        rooms.forEach((name, room) -> {
            if (room.automatic == automatic) {
                names.add(name);
            }
        });
        return names;
    }

    /** Runs the action, on this loop, for every connection it serves. */
    void forEachConnection(Consumer<Recipient> action) {
        Recipient[] members = all.members;
        // Backwards: an action may close a connection, which leaves the array only later, in its close handler.
        for (int i = all.size - 1; i >= 0; i--) {
            action.accept(members[i]);
        }
    }

    void sweep() {
        long now = System.nanoTime();
        long epochSecond = System.currentTimeMillis() / 1000;
        Recipient[] members = all.members;
        // A tick only starts a close; the connection leaves the array later, in its close handler.
        for (int i = all.size - 1; i >= 0; i--) {
            members[i].tick(now, epochSecond);
        }
    }

    /** One membership of the room ended: its unit of interest goes back to the broker (and the room's stream). */
    private void released(LocalRoom room) {
        if (room.isEmpty()) {
            rooms.remove(room.key);
        }
        hub.unsubscribe(room.channel);
        if (room.persisted) {
            hub.releaseHistory(room.key);
        }
    }
}
