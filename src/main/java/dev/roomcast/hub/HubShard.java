package dev.roomcast.hub;

import java.util.HashMap;
import java.util.Map;

import dev.roomcast.broker.Envelope;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

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
    private final LocalRoom all = new LocalRoom(null, null, true);

    HubShard(Hub hub, Context context, Thread thread) {
        this.hub = hub;
        this.context = context;
        this.thread = thread;
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
            room.removeAt(memberships.removeAt(i));
            released(room);
        }
        if (memberships.allSlot >= 0) {
            all.removeAt(memberships.allSlot);
            memberships.allSlot = -1;
        }
    }

    /**
     * First step of a join: registers interest in the room's channel. The Uni completes, on this loop, once the pod
     * receives the channel (now, not at some earlier time: after a Redis reconnect the pod must subscribe again).
     * Exactly one of {@link #commit} or {@link #abandon} must follow.
     */
    public Uni<Void> reserve(String channel) {
        return hub.subscribe(channel).emitOn(this::execute);
    }

    /** Completes a reservation: from now on the connection receives the room's events. */
    public void commit(Recipient recipient, String room, String channel, boolean automatic) {
        LocalRoom local = rooms.get(room);
        if (local == null) {
            local = new LocalRoom(room, channel, automatic);
            rooms.put(room, local);
        }
        recipient.memberships().add(local, local.add(recipient));
    }

    /** Gives up a reservation (its subscription failed, or the join was refused after it). */
    public void abandon(String channel) {
        hub.unsubscribe(channel);
    }

    /** @return whether the connection was in the room */
    public boolean leave(Recipient recipient, String room) {
        Memberships memberships = recipient.memberships();
        int index = memberships.indexOf(room);
        if (index < 0) {
            return false;
        }
        LocalRoom local = memberships.rooms[index];
        local.removeAt(memberships.removeAt(index));
        released(local);
        return true;
    }

    void deliverToRoom(String room, String frame, Envelope envelope, Recipient[] excluded) {
        LocalRoom local = rooms.get(room);
        if (local != null && local.size > 0) {
            deliver(local, frame, envelope, excluded, false);
        }
    }

    void deliverToAll(String frame, Envelope envelope, Recipient[] excluded) {
        deliver(all, frame, envelope, excluded, true);
    }

    void deliverTo(Recipient recipient, String frame, Envelope envelope, Recipient[] excluded) {
        if (recipient.memberships().allSlot < 0 || isExcluded(recipient, excluded)) {
            return;
        }
        recipient.write(frame);
        hub.metrics().delivered(envelope.type(), 1, envelope.acceptedAtMicros());
    }

    private void deliver(LocalRoom room, String frame, Envelope envelope, Recipient[] excluded,
            boolean authenticatedOnly) {
        Recipient[] members = room.members;
        int size = room.size;
        boolean filter = excluded.length > 0;
        int written = 0;
        for (int i = 0; i < size; i++) {
            Recipient member = members[i];
            if ((authenticatedOnly && !member.isAuthenticated()) || (filter && isExcluded(member, excluded))) {
                continue;
            }
            member.write(frame);
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

    /** Runs the action, on this loop, for every connection it serves. */
    void forEachConnection(java.util.function.Consumer<Recipient> action) {
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

    /** One membership of the room ended: its unit of interest goes back to the broker. */
    private void released(LocalRoom room) {
        if (room.size == 0) {
            rooms.remove(room.key);
        }
        hub.unsubscribe(room.channel);
    }
}
