package dev.roomcast.presence;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.RedisShard;
import dev.roomcast.loop.ConfinedLoop;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.EnvelopeCodec;
import dev.roomcast.protocol.NodeIdentity;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Presence across pods in Redis ({@link PresenceScripts}), on one Redis or a Redis Cluster alike. The pod keeps its own
 * counts (the truth about its clients) and sends each change, batched per event-loop turn and per room or user
 * ({@link PresenceGroup}: one script, one slot), on the shard's command connection, in order per group. Announcements
 * travel as bodies this pod signs, handed to the scripts, which publish the one that fits.
 * <p>
 * The pod's index lists every group it has counts in, and is written before the first change to a group (and cleaned
 * once a group is back to zero and acknowledged), so that whoever retires the pod finds all of its shares.
 * <p>
 * Crash safety by lease: every tick the pod renews its lease and retires the pods whose lease expired
 * ({@link PresenceRetirement}). Changes leave only while the lease is known to hold (renewed within half of
 * {@code roomcast.presence.ttl}); otherwise, and whenever Redis may have lost track of this pod (first tick, a failed
 * command, Redis down, or the others retired it while it could not renew), the pod syncs: it sends all its counts,
 * group by group, and the scripts apply the difference, announcing only what really changed.
 * <p>
 * A user's connections are counted here too, and admitted against {@code roomcast.max-connections-per-user} by a
 * script that checks the cluster's total and counts the new one in one step.
 */
@ApplicationScoped
@Typed(RedisPresence.class)
public class RedisPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(RedisPresence.class);
    private static final String LEASE_JOB = "roomcast-presence-lease";

    private final PresenceRedis redis;
    private final PresenceRetirement retirement;
    private final Scheduler scheduler;
    private final EnvelopeCodec codec;
    private final NodeIdentity node;
    private final ConfinedLoop loop;
    private final long ttlMillis;
    private final long tickMillis;

    // Confined to the loop.
    /** This pod's counts, by group and then user. */
    private final Map<PresenceGroup, Map<String, Integer>> counts = new HashMap<>();
    /** Changes not yet sent, per group: (user, delta, body) for a room, (delta) for a user. */
    private Map<PresenceGroup, List<String>> queued = new LinkedHashMap<>();
    /** Groups the pod's index in Redis lists. */
    private final Set<PresenceGroup> indexed = new HashSet<>();
    /** Groups whose index entry is being written, with what waits for it. */
    private final Map<PresenceGroup, List<GroupTask>> indexing = new HashMap<>();
    /** Groups to add to the index with the next write. */
    private final Set<PresenceGroup> toIndex = new LinkedHashSet<>();
    /** Scripts sent per group and not answered yet. */
    private final Map<PresenceGroup, Integer> inflight = new HashMap<>();

    private boolean flushScheduled;
    private boolean indexWriteScheduled;
    private boolean syncNeeded = true;
    private boolean syncing;
    /** A sync is reading what Redis holds: changes reported now are in the counts it will send. */
    private boolean syncCollecting;
    /** Counts syncs sent: an admission refused after a sync that carried it must be taken back in Redis too. */
    private long syncs;
    /** Until when (System.nanoTime) the lease is known to hold: renewed less than half a ttl ago. */
    private long leaseHoldsUntil;

    private boolean retiring;
    private boolean stopped;

    RedisPresence(
            RedisShard shard,
            Scheduler scheduler,
            EnvelopeCodec codec,
            NodeIdentity node,
            Vertx vertx,
            RoomcastConfig config) {
        this.redis = new PresenceRedis(shard);
        this.scheduler = scheduler;
        this.codec = codec;
        this.node = node;
        this.loop = new ConfinedLoop(vertx);
        this.ttlMillis = config.presence().ttl().toMillis();
        this.tickMillis = Math.max(100, Math.min(1000, ttlMillis / 3));
        this.retirement = new PresenceRetirement(redis, codec, ttlMillis);
        this.leaseHoldsUntil = System.nanoTime();
    }

    @Override
    public void start() {
        loop.run(() -> {
            scheduler
                    .newJob(LEASE_JOB)
                    .setInterval(Duration.ofMillis(tickMillis).toString())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> loop.run(this::tick))
                    .schedule();
            tick();
        });
    }

    /**
     * Takes this pod's share out of presence now, rather than when its lease ends. Nothing is sent after it: a tick or
     * sync that came later would register the pod again.
     */
    @Override
    public Uni<Void> stop() {
        return Uni.createFrom()
                .emitter(emitter -> loop.run(() -> {
                    stopped = true;
                    scheduler.unscheduleJob(LEASE_JOB);
                    queued = new LinkedHashMap<>();
                    retirement
                            .retire(node.serverId(), false)
                            .subscribe()
                            .with(ignored -> emitter.complete(null), emitter::fail);
                }));
    }

    @Override
    public void joined(String room, String userId) {
        change(PresenceGroup.room(room), userId, 1);
    }

    @Override
    public void left(String room, String userId) {
        change(PresenceGroup.room(room), userId, -1);
    }

    @Override
    public void disconnected(String userId) {
        change(PresenceGroup.user(userId), userId, -1);
    }

    @Override
    public Uni<Boolean> admit(String userId, int max) {
        return Uni.createFrom()
                .emitter(emitter -> loop.run(() -> {
                    PresenceGroup group = PresenceGroup.user(userId);
                    flush(); // the user's pending changes go first
                    int here = counts.getOrDefault(group, Map.of()).getOrDefault(userId, 0);
                    // Counted at once, so that a sync sent before the answer carries it; taken back if refused.
                    add(group, userId, 1);
                    long syncsBefore = syncs;
                    Admission admission = new Admission(group, userId, max, here, syncsBefore, emitter);
                    if (!canSend()) {
                        admission.checkWithoutCounting("presence is syncing");
                        return;
                    }
                    whenIndexed(group, new GroupTask() {
                        @Override
                        public void send() {
                            sent(group);
                            redis.run(
                                            PresenceScripts.USER_ADMIT,
                                            group.userKeys(),
                                            List.of(now(), node.serverId(), Integer.toString(max)))
                                    .subscribe()
                                    .with(
                                            answer -> loop.run(() -> {
                                                answered(group);
                                                admission.decide(answer.toInteger() == 1);
                                            }),
                                            failure -> loop.run(() -> {
                                                answered(group);
                                                syncNeeded = true;
                                                admission.onThisPodsWord(failure.getMessage());
                                            }));
                        }

                        @Override
                        public void abandon() {
                            admission.checkWithoutCounting("its index entry was not written");
                        }
                    });
                }));
    }

    /** One connection of a user being admitted; its count was added at once, and is taken back if it is refused. */
    private final class Admission {
        private final PresenceGroup group;
        private final String userId;
        private final int max;
        private final int here;
        private final long syncsBefore;
        private final UniEmitter<? super Boolean> emitter;

        Admission(
                PresenceGroup group,
                String userId,
                int max,
                int here,
                long syncsBefore,
                UniEmitter<? super Boolean> emitter) {
            this.group = group;
            this.userId = userId;
            this.max = max;
            this.here = here;
            this.syncsBefore = syncsBefore;
            this.emitter = emitter;
        }

        void decide(boolean admitted) {
            if (!admitted) {
                if (syncs == syncsBefore) {
                    add(group, userId, -1); // never counted in Redis
                } else {
                    change(group, userId, -1); // a sync counted it meanwhile
                }
            }
            emitter.complete(admitted);
        }

        /**
         * This pod cannot count it in Redis now (it is syncing, or not sure of its lease): the user's total is read
         * and checked, whether or not it holds this pod's share; Redis learns of the connection with the next sync.
         */
        void checkWithoutCounting(String why) {
            syncNeeded = true;
            redis.read(PresenceScripts.USER_READ, group.userKeys(), List.of())
                    .subscribe()
                    .with(
                            found -> loop.run(() -> {
                                LOG.debugf("connection of %s checked without counting it in Redis: %s", userId, why);
                                decide(found.get(0).toLong() < max && here < max);
                            }),
                            failure -> loop.run(() -> onThisPodsWord(failure.getMessage())));
        }

        /** Redis cannot answer: the pod's own count decides. */
        void onThisPodsWord(String why) {
            LOG.debugf("connection of %s admitted or refused without Redis: %s", userId, why);
            syncNeeded = true;
            decide(here < max);
        }
    }

    @Override
    public Uni<List<PresentUser>> inRoom(String room) {
        PresenceGroup group = PresenceGroup.room(room);
        List<String> keys = List.of(Channels.presenceRoom(room), Channels.presenceSince(room));
        return afterPendingChanges(group, () -> redis.read(PresenceScripts.ROOM_USERS, keys, List.of()))
                .map(found -> {
                    List<PresentUser> users = new ArrayList<>(found.size() / 3);
                    for (int i = 0; i + 2 < found.size(); i += 3) {
                        users.add(new PresentUser(
                                found.get(i).toString(),
                                found.get(i + 1).toLong(),
                                found.get(i + 2).toString()));
                    }
                    return users;
                });
    }

    @Override
    public Uni<UserPresence> ofUser(String userId) {
        PresenceGroup group = PresenceGroup.user(userId);
        return afterPendingChanges(group, () -> redis.read(PresenceScripts.USER_READ, group.userKeys(), List.of()))
                .map(found -> {
                    String lastSeen = found.get(1).toString();
                    return new UserPresence(userId, found.get(0).toLong(), lastSeen.isEmpty() ? null : lastSeen);
                });
    }

    private void change(PresenceGroup group, String userId, int delta) {
        loop.run(() -> {
            add(group, userId, delta);
            List<String> changes = queued.computeIfAbsent(group, ignored -> new ArrayList<>(3));
            if (group.room()) {
                changes.add(userId);
                changes.add(Integer.toString(delta));
                changes.add(body(group.name(), userId, delta > 0));
            } else {
                changes.add(Integer.toString(delta));
            }
            if (!flushScheduled) {
                flushScheduled = true;
                loop.later(this::flush);
            }
        });
    }

    /** Moves this pod's own count (never below zero). */
    private void add(PresenceGroup group, String userId, int delta) {
        Map<String, Integer> users = counts.computeIfAbsent(group, ignored -> new HashMap<>(2));
        // Never below zero: a departure reported without its arrival (a connection admitted after a timeout, then
        // refused) must not cancel a later arrival.
        users.compute(userId, (ignored, before) -> {
            int after = (before == null ? 0 : before) + delta;
            return after > 0 ? after : null;
        });
        if (users.isEmpty()) {
            counts.remove(group);
        }
    }

    /** Whether changes may leave now: no sync is due or collecting, and the lease is known to hold. */
    private boolean canSend() {
        if (System.nanoTime() - leaseHoldsUntil >= 0) {
            syncNeeded = true; // the others may be retiring this pod: its changes wait for the next renewal
        }
        return !syncNeeded && !syncCollecting && !stopped;
    }

    private void flush() {
        flushScheduled = false;
        if (queued.isEmpty()) {
            return;
        }
        Map<PresenceGroup, List<String>> changes = queued;
        queued = new LinkedHashMap<>();
        if (!canSend()) {
            return; // the sync carries these changes with everything else
        }
        changes.forEach((group, args) -> whenIndexed(group, new GroupTask() {
            @Override
            public void send() {
                sendChanges(group, args);
            }

            @Override
            public void abandon() {
                // syncNeeded is set: the sync carries them
            }
        }));
    }

    private void sendChanges(PresenceGroup group, List<String> changes) {
        sent(group);
        Uni<Response> sent;
        if (group.room()) {
            List<String> args = new ArrayList<>(3 + changes.size());
            args.add(now());
            args.add(redis.publishCommand());
            args.add(Channels.room(group.name()));
            args.addAll(changes);
            sent = redis.run(PresenceScripts.ROOM_CHANGE, group.roomKeys(node.serverId()), args);
        } else {
            int delta = 0;
            for (String change : changes) {
                delta += Integer.parseInt(change);
            }
            sent = redis.run(
                    PresenceScripts.USER_CHANGE,
                    group.userKeys(),
                    List.of(now(), node.serverId(), Integer.toString(delta)));
        }
        sent.subscribe()
                .with(
                        applied -> loop.run(() -> {
                            answered(group);
                            unindexIfDone(group);
                        }),
                        failure -> loop.run(() -> {
                            answered(group);
                            LOG.debugf(
                                    "presence change not sent (%s); syncing when Redis answers", failure.getMessage());
                            syncNeeded = true;
                        }));
    }

    private void sent(PresenceGroup group) {
        inflight.merge(group, 1, Integer::sum);
    }

    private void answered(PresenceGroup group) {
        inflight.computeIfPresent(group, (ignored, count) -> count > 1 ? count - 1 : null);
    }

    /**
     * Runs the task once the group is in this pod's index (the index must list every group the pod has a share in
     * before the share exists, or a retirer would miss it), in the order tasks were given for the group.
     */
    private void whenIndexed(PresenceGroup group, GroupTask task) {
        List<GroupTask> waiting = indexing.get(group);
        // Behind what already waits for the group's index entry, even if a sync listed the group meanwhile: a group's
        // changes leave in the order they were made.
        if (waiting == null && indexed.contains(group)) {
            task.send();
            return;
        }
        if (waiting == null) {
            waiting = new ArrayList<>(2);
            indexing.put(group, waiting);
            toIndex.add(group);
            if (!indexWriteScheduled) {
                indexWriteScheduled = true;
                loop.later(this::writeIndex);
            }
        }
        waiting.add(task);
    }

    private void writeIndex() {
        indexWriteScheduled = false;
        if (toIndex.isEmpty()) {
            return;
        }
        List<PresenceGroup> groups = new ArrayList<>(toIndex);
        toIndex.clear();
        Request hset = Request.cmd(Command.HSET).arg(Channels.presenceIndex(node.serverId()));
        for (PresenceGroup group : groups) {
            hset.arg(group.field()).arg("1");
        }
        redis.send(hset)
                .subscribe()
                .with(
                        written -> loop.run(() -> {
                            for (PresenceGroup group : groups) {
                                indexed.add(group);
                                List<GroupTask> waiting = indexing.remove(group);
                                if (waiting != null) {
                                    waiting.forEach(GroupTask::send);
                                }
                            }
                        }),
                        failure -> loop.run(() -> {
                            LOG.debugf("presence index not written (%s); syncing", failure.getMessage());
                            syncNeeded = true;
                            for (PresenceGroup group : groups) {
                                List<GroupTask> waiting = indexing.remove(group);
                                if (waiting != null) {
                                    waiting.forEach(GroupTask::abandon);
                                }
                            }
                        }));
    }

    /** A group back to zero, with nothing on its way, leaves the index: the index stays as small as the pod's rooms. */
    private void unindexIfDone(PresenceGroup group) {
        if (syncing
                || syncNeeded // what Redis holds for the group is uncertain until the sync: the retirer must find it
                || counts.containsKey(group)
                || inflight.containsKey(group)
                || indexing.containsKey(group)
                || queued.containsKey(group)
                || !indexed.remove(group)) {
            return;
        }
        redis.send(Request.cmd(Command.HDEL)
                        .arg(Channels.presenceIndex(node.serverId()))
                        .arg(group.field()))
                .subscribe()
                .with(ignored -> {}, failure -> LOG.debugf("presence index not cleaned: %s", failure.getMessage()));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        long sentAt = System.nanoTime();
        redis.run(
                        PresenceScripts.TICK,
                        List.of(Channels.PRESENCE_PODS, Channels.PRESENCE_RETIRING),
                        List.of(node.serverId(), Long.toString(ttlMillis)))
                .subscribe()
                .with(
                        answer -> loop.run(() -> {
                            int state = answer.get(0).toInteger();
                            if (state == 2) {
                                LOG.info("presence lease lost: another pod is taking this pod's clients out; waiting");
                                syncNeeded = true;
                                return;
                            }
                            if (state == 1) {
                                syncNeeded = true;
                            }
                            leaseHoldsUntil =
                                    sentAt + Duration.ofMillis(ttlMillis / 2).toNanos();
                            if (syncNeeded && !syncing && !stopped) {
                                sync();
                            }
                            for (Response expired : answer.get(1)) {
                                retireExpired(expired.toString());
                            }
                        }),
                        failure -> loop.run(() -> {
                            LOG.debugf("presence lease not renewed: %s", failure.getMessage());
                            syncNeeded = true;
                        }));
    }

    /**
     * Sends every count this pod has, and a zero for each share Redis holds that it has not, group by group, with
     * the bodies that announce whatever the difference turns out to be. Changes reported meanwhile ride along: they
     * are in the counts.
     */
    private void sync() {
        syncing = true;
        syncCollecting = true;
        syncNeeded = false;
        String index = Channels.presenceIndex(node.serverId());
        redis.fields(index)
                .chain(fields -> storedShares(fields))
                .subscribe()
                .with(stored -> loop.run(() -> sendSync(stored)), failure -> loop.run(() -> syncFailed(failure)));
    }

    /** The groups the index lists, with, for rooms, the users this pod's share holds there. */
    private Uni<Map<PresenceGroup, List<String>>> storedShares(List<String> fields) {
        Map<PresenceGroup, List<String>> stored = new LinkedHashMap<>();
        // Answers come on the connections' threads (one per master in a cluster): gathered in a concurrent map.
        Map<PresenceGroup, List<String>> held = new ConcurrentHashMap<>();
        List<Supplier<Uni<Void>>> reads = new ArrayList<>();
        for (String field : fields) {
            PresenceGroup group = PresenceGroup.parse(field);
            if (group == null) {
                continue;
            }
            stored.put(group, List.of());
            if (group.room()) {
                reads.add(() -> redis.fields(group.roomKeys(node.serverId()).get(2))
                        .invoke(users -> held.put(group, users))
                        .replaceWithVoid());
            }
        }
        return PresenceRedis.inBatches(reads).map(ignored -> {
            stored.replaceAll((group, none) -> held.getOrDefault(group, none));
            return stored;
        });
    }

    private void sendSync(Map<PresenceGroup, List<String>> stored) {
        syncCollecting = false;
        if (stopped) {
            syncing = false;
            return;
        }
        queued = new LinkedHashMap<>(); // the counts below include them
        indexed.clear();
        Map<PresenceGroup, List<String>> scripts = new LinkedHashMap<>();
        Set<PresenceGroup> groups = new LinkedHashSet<>(counts.keySet());
        groups.addAll(stored.keySet());
        for (PresenceGroup group : groups) {
            Map<String, Integer> here = counts.getOrDefault(group, Map.of());
            if (group.room()) {
                Set<String> users = new LinkedHashSet<>(here.keySet());
                users.addAll(stored.getOrDefault(group, List.of()));
                List<String> args = new ArrayList<>(3 + users.size() * 4);
                args.add(now());
                args.add(redis.publishCommand());
                args.add(Channels.room(group.name()));
                for (String user : users) {
                    args.add(user);
                    args.add(Integer.toString(here.getOrDefault(user, 0)));
                    args.add(body(group.name(), user, true));
                    args.add(body(group.name(), user, false));
                }
                scripts.put(group, args);
            } else {
                scripts.put(
                        group, List.of(now(), node.serverId(), Integer.toString(here.getOrDefault(group.name(), 0))));
            }
        }
        syncs++;
        List<PresenceGroup> present = new ArrayList<>(counts.keySet());
        Request hset = Request.cmd(Command.HSET).arg(Channels.presenceIndex(node.serverId()));
        for (PresenceGroup group : present) {
            hset.arg(group.field()).arg("1");
        }
        Uni<?> indexWritten = present.isEmpty() ? Uni.createFrom().voidItem() : redis.send(hset);
        indexWritten
                .chain(() -> {
                    List<Supplier<Uni<Void>>> applied = new ArrayList<>(scripts.size());
                    scripts.forEach((group, args) -> applied.add(() -> (group.room()
                                    ? redis.run(PresenceScripts.ROOM_SYNC, group.roomKeys(node.serverId()), args)
                                    : redis.run(PresenceScripts.USER_SYNC, group.userKeys(), args))
                            .replaceWithVoid()));
                    return PresenceRedis.inBatches(applied);
                })
                .subscribe()
                .with(
                        ignored -> loop.run(() -> {
                            syncing = false;
                            indexed.addAll(present);
                            stored.keySet().forEach(this::unindexIfDoneAfterSync);
                            LOG.debugf("presence synced: %d groups", scripts.size());
                        }),
                        failure -> loop.run(() -> syncFailed(failure)));
    }

    /** A group the index listed and the sync emptied leaves the index, unless it came back meanwhile. */
    private void unindexIfDoneAfterSync(PresenceGroup group) {
        if (!counts.containsKey(group) && !indexed.contains(group)) {
            indexed.add(group);
            unindexIfDone(group);
        }
    }

    private void syncFailed(Throwable failure) {
        syncCollecting = false;
        syncing = false;
        syncNeeded = true;
        LOG.debugf("presence sync failed: %s", failure.getMessage());
    }

    private void retireExpired(String server) {
        if (retiring || stopped) {
            return; // one at a time; the next tick finds the rest
        }
        retiring = true;
        retirement
                .retire(server, true)
                .subscribe()
                .with(
                        retired -> loop.run(() -> {
                            retiring = false;
                            if (retired) {
                                LOG.infof(
                                        "pod %s stopped renewing its presence lease: its clients left presence",
                                        server);
                            }
                        }),
                        failure -> loop.run(() -> {
                            retiring = false;
                            LOG.debugf("could not retire pod %s: %s", server, failure.getMessage());
                        }));
    }

    /** A signed {@code presence.join} or {@code presence.leave} body for the room's channel. */
    private String body(String room, String userId, boolean join) {
        return codec.encode(PresenceEvents.envelope(room, join ? PresenceEvents.JOIN : PresenceEvents.LEAVE, userId));
    }

    /**
     * A read sent after the changes reported before it for the same room or user (on the same connection to the
     * same slot, so applied first): a client that joined and then asks sees itself.
     */
    private Uni<Response> afterPendingChanges(PresenceGroup group, Supplier<Uni<Response>> read) {
        return Uni.createFrom()
                .emitter(emitter -> loop.run(() -> {
                    flush();
                    Runnable send = () -> read.get().subscribe().with(emitter::complete, emitter::fail);
                    if (!indexing.containsKey(group)) {
                        send.run();
                        return;
                    }
                    whenIndexed(group, new GroupTask() {
                        @Override
                        public void send() {
                            send.run();
                        }

                        @Override
                        public void abandon() {
                            send.run();
                        }
                    });
                }));
    }

    private static String now() {
        return Instant.now().toString();
    }

    /** Something to send for a group once its index entry is written, or to give up if that failed. */
    private interface GroupTask {
        void send();

        void abandon();
    }

    @Override
    public Uni<Void> describe(String figures) {
        return redis.run(
                        PresenceScripts.NODE_WRITE, List.of(Channels.PRESENCE_NODES), List.of(node.serverId(), figures))
                .replaceWithVoid();
    }

    @Override
    public Uni<List<String>> nodes() {
        return redis.read(
                        PresenceScripts.NODES_READ, List.of(Channels.PRESENCE_NODES, Channels.PRESENCE_PODS), List.of())
                .map(answer -> {
                    List<String> live = new ArrayList<>(answer.size());
                    for (Response figures : answer) {
                        live.add(figures.toString());
                    }
                    return live;
                });
    }
}
