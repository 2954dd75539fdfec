package dev.roomcast.presence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.broker.RedisBroker;
import dev.roomcast.node.ConfinedLoop;
import dev.roomcast.node.NodeIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import org.jboss.logging.Logger;

/**
 * Presence across pods in Redis ({@link PresenceScripts}). The pod keeps its own counts (the truth about its clients)
 * and sends each change to Redis, batched per event-loop turn, on the broker's publishing connection (so in order).
 * <p>
 * Crash safety by lease: every tick the pod renews its lease and retires the pods whose lease expired, taking their
 * clients out of presence with {@code presence.leave}. Whenever Redis may have lost track of this pod (first tick, a
 * failed command, Redis down, or the others retired it while it could not renew), the pod syncs: it sends all its
 * counts and the script applies the difference, announcing only what really changed.
 */
@ApplicationScoped
@Typed(RedisPresence.class)
public class RedisPresence implements Presence {

    private static final Logger LOG = Logger.getLogger(RedisPresence.class);
    private static final String ROOM = "r";
    private static final String USER = "u";

    private final RedisBroker redis;
    private final NodeIdentity node;
    private final Vertx vertx;
    private final ConfinedLoop loop;
    private final long ttlMillis;
    private final long tickMillis;

    // Confined to the loop.
    /** This pod's counts: (kind, room, user) as {@code kind|room|user} to clients. */
    private final Map<String, Integer> counts = new HashMap<>();
    /** Changes not yet sent: (kind, room, user, delta) repeated. */
    private List<String> queued = new ArrayList<>();
    private boolean flushScheduled;
    private boolean syncNeeded = true;
    private boolean syncing;
    private boolean stopped;
    private long timer = -1;

    RedisPresence(RedisBroker redis, NodeIdentity node, Vertx vertx, RoomcastConfig config) {
        this.redis = redis;
        this.node = node;
        this.vertx = vertx;
        this.loop = new ConfinedLoop(vertx);
        this.ttlMillis = config.presence().ttl().toMillis();
        this.tickMillis = Math.max(100, Math.min(1000, ttlMillis / 3));
    }

    public void start() {
        loop.run(() -> {
            timer = vertx.setPeriodic(tickMillis, id -> loop.run(this::tick));
            tick();
        });
    }

    /**
     * Takes this pod's share out of presence now, rather than when its lease ends. Nothing is sent after it: a tick or
     * sync that came later would register the pod again.
     */
    public Uni<Void> stop() {
        return Uni.createFrom().emitter(emitter -> loop.run(() -> {
            stopped = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            queued = new ArrayList<>();
            run(PresenceScripts.RETIRE, List.of(node.serverId(), now()))
                    .subscribe().with(ignored -> emitter.complete(null), emitter::fail);
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
    public void connected(String userId) {
        change(USER, "", userId, 1);
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
                users.add(new PresentUser(found.get(i).toString(), found.get(i + 1).toLong(), found.get(i + 2).toString()));
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
            String key = kind + "|" + room + "|" + userId;
            int count = counts.getOrDefault(key, 0) + delta;
            if (count > 0) {
                counts.put(key, count);
            } else {
                counts.remove(key);
            }
            queued.add(kind);
            queued.add(room);
            queued.add(userId);
            queued.add(Integer.toString(delta));
            if (!flushScheduled) {
                flushScheduled = true;
                loop.later(this::flush);
            }
        });
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
        if (syncNeeded) {
            return; // the next sync carries these changes with everything else
        }
        run(PresenceScripts.CHANGE, args).subscribe().with(applied -> loop.run(() -> {
            if (applied.toInteger() == 0) {
                LOG.info("presence lease lost (the other pods took this pod's clients out); syncing");
                syncNeeded = true;
            }
        }), failure -> loop.run(() -> {
            LOG.debugf("presence change not sent (%s); syncing when Redis answers", failure.getMessage());
            syncNeeded = true;
        }));
    }

    private void tick() {
        if (stopped) {
            return;
        }
        run(PresenceScripts.TICK, List.of(node.serverId(), Long.toString(ttlMillis), now()))
                .subscribe().with(registered -> loop.run(() -> {
                    if (registered.toInteger() == 1) {
                        syncNeeded = true;
                    }
                    if (syncNeeded && !syncing && !stopped) {
                        sync();
                    }
                }), failure -> loop.run(() -> {
                    LOG.debugf("presence lease not renewed: %s", failure.getMessage());
                    syncNeeded = true;
                }));
    }

    private void sync() {
        syncing = true;
        syncNeeded = false;
        queued = new ArrayList<>(); // the counts below include them
        List<String> args = new ArrayList<>(3 + counts.size() * 4);
        args.add(node.serverId());
        args.add(Long.toString(ttlMillis));
        args.add(now());
        counts.forEach((key, count) -> {
            int first = key.indexOf('|');
            int second = key.indexOf('|', first + 1);
            args.add(key.substring(0, first));
            args.add(key.substring(first + 1, second));
            args.add(key.substring(second + 1));
            args.add(Integer.toString(count));
        });
        int entries = counts.size();
        run(PresenceScripts.SYNC, args).subscribe().with(ignored -> loop.run(() -> {
            syncing = false;
            LOG.debugf("presence synced: %d entries", entries);
        }), failure -> loop.run(() -> {
            syncing = false;
            syncNeeded = true;
            LOG.debugf("presence sync failed: %s", failure.getMessage());
        }));
    }

    /**
     * A read sent after the changes reported before it (on the same connection, so applied first): a client that
     * joined and then asks sees itself.
     */
    private Uni<Response> afterPendingChanges(PresenceScripts.Script script, List<String> args) {
        return Uni.createFrom().emitter(emitter -> loop.run(() -> {
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
        return redis.send(request(Command.EVALSHA, script.sha(), args)).onFailure(PresenceScripts::isNoScript)
                .recoverWithUni(() -> redis.send(request(Command.EVAL, script.text(), args)));
    }

    private static Request request(Command command, String script, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(0);
        for (String arg : args) {
            request.arg(arg);
        }
        return request;
    }

    private static String now() {
        return Instant.now().toString();
    }
}
