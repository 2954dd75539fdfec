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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Presence across pods in Redis ({@link PresenceScripts}). The pod keeps its own counts (the truth about its clients)
 * and sends each change to Redis, batched per event-loop turn, on the shard's command connection (so in order, and
 * after the publishes made before it).
 * Announcements travel as bodies this pod signs, handed to the scripts, which publish the one that fits.
 * <p>
 * Crash safety by lease: every tick the pod renews its lease and retires the pods whose lease expired, taking their
 * clients out of presence with {@code presence.leave}. Whenever Redis may have lost track of this pod (first tick, a
 * failed command, Redis down, or the others retired it while it could not renew), the pod syncs: it sends all its
 * counts and the script applies the difference, announcing only what really changed.
 * <p>
 * A user's connections are counted here too, and admitted against {@code roomcast.max-connections-per-user} by a
 * script that checks the cluster's total and counts the new one in one step.
 */
@ApplicationScoped
@Typed(RedisPresence.class)
public class RedisPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(RedisPresence.class);
    private static final String ROOM = "r";
    private static final String USER = "u";
    private static final String NO_BODY = "";
    /** Renews the lease every second, or every third of it when shorter (tests run with short leases). */
    private static final String LEASE_JOB = "roomcast-presence-lease";

    private final RedisShard redis;
    private final Scheduler scheduler;
    private final EnvelopeCodec codec;
    private final NodeIdentity node;
    private final ConfinedLoop loop;
    private final long ttlMillis;
    private final long tickMillis;

    // Confined to the loop.
    /** This pod's counts, by the field Redis keeps them under ({@link #key}). */
    private final Map<String, Integer> counts = new HashMap<>();
    /** Changes not yet sent: (kind, room, user, delta, body) repeated. */
    private List<String> queued = new ArrayList<>();

    private boolean flushScheduled;
    private boolean syncNeeded = true;
    private boolean syncing;
    /** A sync is reading what Redis holds: changes reported now are in the counts it will send. */
    private boolean syncCollecting;
    /** Counts syncs sent: an admission refused after a sync that carried it must be taken back in Redis too. */
    private long syncs;

    private boolean retiring;
    private boolean stopped;

    RedisPresence(
            RedisShard redis,
            Scheduler scheduler,
            EnvelopeCodec codec,
            NodeIdentity node,
            Vertx vertx,
            RoomcastConfig config) {
        this.redis = redis;
        this.scheduler = scheduler;
        this.codec = codec;
        this.node = node;
        this.loop = new ConfinedLoop(vertx);
        this.ttlMillis = config.presence().ttl().toMillis();
        this.tickMillis = Math.max(100, Math.min(1000, ttlMillis / 3));
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
                    queued = new ArrayList<>();
                    retire(node.serverId(), false).subscribe().with(ignored -> emitter.complete(null), emitter::fail);
                }));
    }

    @Override
    public void joined(String room, String userId) {
        change(ROOM, room, userId, 1);
    }

    @Override
    public void left(String room, String userId) {
        change(ROOM, room, userId, -1);
    }

    @Override
    public Uni<Boolean> admit(String userId, int max) {
        return Uni.createFrom()
                .emitter(emitter -> loop.run(() -> {
                    // Counted at once, so that a sync sent before the answer carries it; taken back if refused.
                    String key = key(USER, "", userId);
                    int here = counts.getOrDefault(key, 0);
                    counts.put(key, here + 1);
                    flush();
                    long syncsBefore = syncs;
                    run(
                                    PresenceScripts.ADMIT,
                                    List.of(
                                            node.serverId(),
                                            now(),
                                            userId,
                                            Integer.toString(max),
                                            Integer.toString(here)))
                            .subscribe()
                            .with(
                                    answer -> loop.run(() -> {
                                        int admitted = answer.toInteger();
                                        if (admitted == 0) {
                                            if (syncs == syncsBefore) {
                                                decrement(key); // never counted in Redis
                                            } else {
                                                change(USER, "", userId, -1); // a sync counted it meanwhile
                                            }
                                            emitter.complete(false);
                                            return;
                                        }
                                        if (admitted < 0) {
                                            syncNeeded = true; // no lease: the next sync carries it
                                        }
                                        emitter.complete(true);
                                    }),
                                    failure -> loop.run(() -> {
                                        // Redis cannot answer: admitted on this pod's word, and Redis learns of it with
                                        // the next sync.
                                        LOG.debugf(
                                                "connection of %s admitted without Redis: %s",
                                                userId, failure.getMessage());
                                        syncNeeded = true;
                                        emitter.complete(true);
                                    }));
                }));
    }

    @Override
    public void disconnected(String userId) {
        change(USER, "", userId, -1);
    }

    @Override
    public Uni<List<PresentUser>> inRoom(String room) {
        return afterPendingChanges(PresenceScripts.ROOM_USERS, List.of(room)).map(found -> {
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
        return afterPendingChanges(PresenceScripts.USER, List.of(userId)).map(found -> {
            String lastSeen = found.get(1).toString();
            return new UserPresence(userId, found.get(0).toLong(), lastSeen.isEmpty() ? null : lastSeen);
        });
    }

    private void change(String kind, String room, String userId, int delta) {
        loop.run(() -> {
            String key = key(kind, room, userId);
            if (delta > 0) {
                counts.merge(key, delta, Integer::sum);
            } else {
                decrement(key);
            }
            queued.add(kind);
            queued.add(room);
            queued.add(userId);
            queued.add(Integer.toString(delta));
            queued.add(ROOM.equals(kind) ? body(room, userId, delta > 0) : NO_BODY);
            if (!flushScheduled) {
                flushScheduled = true;
                loop.later(this::flush);
            }
        });
    }

    private void decrement(String key) {
        counts.computeIfPresent(key, (ignored, count) -> count > 1 ? count - 1 : null);
    }

    private void flush() {
        flushScheduled = false;
        if (queued.isEmpty() || stopped) {
            return;
        }
        List<String> args = new ArrayList<>(queued.size() + 2);
        args.add(node.serverId());
        args.add(now());
        args.addAll(queued);
        queued = new ArrayList<>();
        if (syncNeeded || syncCollecting) {
            return; // the sync carries these changes with everything else
        }
        run(PresenceScripts.CHANGE, args)
                .subscribe()
                .with(
                        applied -> loop.run(() -> {
                            if (applied.toInteger() == 0) {
                                LOG.info("presence lease lost (the other pods took this pod's clients out); syncing");
                                syncNeeded = true;
                            }
                        }),
                        failure -> loop.run(() -> {
                            LOG.debugf(
                                    "presence change not sent (%s); syncing when Redis answers", failure.getMessage());
                            syncNeeded = true;
                        }));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        run(PresenceScripts.TICK, List.of(node.serverId(), Long.toString(ttlMillis)))
                .subscribe()
                .with(
                        answer -> loop.run(() -> {
                            if (answer.get(0).toInteger() == 1) {
                                syncNeeded = true;
                            }
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
     * Sends every count this pod has, and a zero for each one Redis holds that it has not, with the bodies that announce
     * whatever the difference turns out to be. Changes reported meanwhile ride along: they are in the counts.
     */
    private void sync() {
        syncing = true;
        syncCollecting = true;
        syncNeeded = false;
        storedFields(node.serverId())
                .subscribe()
                .with(
                        stored -> loop.run(() -> {
                            syncCollecting = false;
                            if (stopped) {
                                syncing = false;
                                return;
                            }
                            queued = new ArrayList<>(); // the counts below include them
                            Map<String, Integer> wanted = new LinkedHashMap<>(counts);
                            stored.forEach(field -> wanted.putIfAbsent(field, 0));
                            List<String> args = new ArrayList<>(3 + wanted.size() * 6);
                            args.add(node.serverId());
                            args.add(Long.toString(ttlMillis));
                            args.add(now());
                            wanted.forEach((key, count) -> {
                                String[] parts = parts(key);
                                args.add(parts[0]);
                                args.add(parts[1]);
                                args.add(parts[2]);
                                args.add(Integer.toString(count));
                                boolean room = ROOM.equals(parts[0]);
                                args.add(room ? body(parts[1], parts[2], true) : NO_BODY);
                                args.add(room ? body(parts[1], parts[2], false) : NO_BODY);
                            });
                            syncs++;
                            int entries = counts.size();
                            run(PresenceScripts.SYNC, args)
                                    .subscribe()
                                    .with(
                                            ignored -> loop.run(() -> {
                                                syncing = false;
                                                LOG.debugf("presence synced: %d entries", entries);
                                            }),
                                            failure -> loop.run(() -> {
                                                syncing = false;
                                                syncNeeded = true;
                                                LOG.debugf("presence sync failed: %s", failure.getMessage());
                                            }));
                        }),
                        failure -> loop.run(() -> {
                            syncCollecting = false;
                            syncing = false;
                            syncNeeded = true;
                            LOG.debugf("presence sync failed: %s", failure.getMessage());
                        }));
    }

    private void retireExpired(String server) {
        if (retiring || stopped) {
            return; // one at a time; the next tick finds the rest
        }
        retiring = true;
        retire(server, true)
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

    /** Takes a pod's share out of presence, announcing each user who leaves a room with a body signed here. */
    private Uni<Boolean> retire(String server, boolean onlyIfExpired) {
        return storedFields(server).chain(fields -> {
            List<String> args = new ArrayList<>(3 + fields.size() * 2);
            args.add(server);
            args.add(now());
            args.add(onlyIfExpired ? "1" : "0");
            for (String field : fields) {
                String[] parts = parts(field);
                if (ROOM.equals(parts[0])) {
                    args.add(field);
                    args.add(body(parts[1], parts[2], false));
                }
            }
            return run(PresenceScripts.RETIRE, args).map(answer -> answer.toInteger() == 1);
        });
    }

    /** The fields Redis holds for a pod's counts. */
    private Uni<List<String>> storedFields(String server) {
        return redis.send(Request.cmd(Command.HKEYS).arg(Channels.PRESENCE_POD_PREFIX + server))
                .map(found -> {
                    List<String> fields = new ArrayList<>(found.size());
                    found.forEach(field -> fields.add(field.toString()));
                    return fields;
                });
    }

    /** A signed {@code presence.join} or {@code presence.leave} body for the room's channel. */
    private String body(String room, String userId, boolean join) {
        return codec.encode(PresenceEvents.envelope(room, join ? PresenceEvents.JOIN : PresenceEvents.LEAVE, userId));
    }

    /**
     * A read sent after the changes reported before it (on the same connection, so applied first): a client that
     * joined and then asks sees itself.
     */
    private Uni<Response> afterPendingChanges(PresenceScripts.Script script, List<String> args) {
        return Uni.createFrom()
                .emitter(emitter -> loop.run(() -> {
                    flush();
                    read(script, args).subscribe().with(emitter::complete, emitter::fail);
                }));
    }

    /**
     * Runs a script that writes. Always with its text: a fallback from EVALSHA after a Redis restart would send it
     * after commands that followed it, and the order of changes on the connection is what keeps the counts right.
     */
    private Uni<Response> run(PresenceScripts.Script script, List<String> args) {
        return redis.send(request(Command.EVAL, script.text(), args));
    }

    /** Runs a read by its SHA-1, loading it on first use (or after a Redis restart forgot it). */
    private Uni<Response> read(PresenceScripts.Script script, List<String> args) {
        return redis.send(request(Command.EVALSHA, script.sha(), args))
                .onFailure(PresenceScripts::isNoScript)
                .recoverWithUni(() -> redis.send(request(Command.EVAL, script.text(), args)));
    }

    private static Request request(Command command, String script, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(0);
        for (String arg : args) {
            request.arg(arg);
        }
        return request;
    }

    /** The field Redis keeps the count under: {@code r|room|user} or {@code u|user} (room names have no {@code |}). */
    private static String key(String kind, String room, String userId) {
        return USER.equals(kind) ? USER + "|" + userId : ROOM + "|" + room + "|" + userId;
    }

    /** A field as kind, room ("" for a user count), user. */
    private static String[] parts(String key) {
        if (key.startsWith(USER + "|")) {
            return new String[] {USER, "", key.substring(2)};
        }
        int second = key.indexOf('|', 2);
        return new String[] {ROOM, key.substring(2, second), key.substring(second + 1)};
    }

    private static String now() {
        return Instant.now().toString();
    }
}
