package dev.roomcast.broker;

import dev.roomcast.RoomcastConfig;
import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.NodeIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The SSE sessions of the cluster in Redis: each pod keeps a hash of its own ({@code sse:pod:{serverId}}, client id to
 * user id) with a lease, {@code roomcast.presence.ttl}, renewed while the pod lives, so a dead pod's sessions vanish
 * with it. A client id names its pod, so a lookup is one {@code HGET}. Costs two commands per SSE session (opened,
 * closed); WebSocket sessions are not listed. When a write fails (Redis away), or a renewal finds the hash gone (Redis
 * restarted without its data), the next renewal writes the whole hash again.
 */
@ApplicationScoped
@Typed(RedisStreamDirectory.class)
public class RedisStreamDirectory implements StreamDirectory {

    private static final Logger LOG = Logger.getLogger(RedisStreamDirectory.class);
    /** Fields per HSET when the whole hash is written again. */
    private static final int BATCH = 500;

    private final RedisShard redis;
    private final String key;
    private final long ttlMillis;
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private volatile boolean rewrite;

    RedisStreamDirectory(RedisShard redis, NodeIdentity node, Vertx vertx, RoomcastConfig config) {
        this.redis = redis;
        this.key = Channels.streams(node.serverId());
        this.ttlMillis = config.presence().ttl().toMillis();
        vertx.setPeriodic(Math.max(100, ttlMillis / 3), id -> renew());
    }

    @Override
    public void held(String clientId, String userId) {
        sessions.put(clientId, userId);
        write(Request.cmd(Command.HSET).arg(key).arg(clientId).arg(userId));
        write(Request.cmd(Command.PEXPIRE).arg(key).arg(ttlMillis));
    }

    @Override
    public void released(String clientId) {
        if (sessions.remove(clientId) != null) {
            write(Request.cmd(Command.HDEL).arg(key).arg(clientId));
        }
    }

    @Override
    public Uni<String> userOf(String clientId) {
        String serverId = NodeIdentity.serverIdOf(clientId);
        if (serverId == null) {
            return Uni.createFrom().nullItem();
        }
        return redis.send(Request.cmd(Command.HGET)
                        .arg(Channels.streams(serverId))
                        .arg(clientId))
                .map(user -> user == null ? null : user.toString());
    }

    private void renew() {
        if (rewrite) {
            rewrite = false;
            // Sessions come and go on other loops meanwhile, and one connection sends commands in the order they are
            // given: the snapshot is taken after the DEL, so an HSET of a session opened before it is never erased,
            // and a session of the snapshot closed before its HSET went out is deleted again after it.
            write(Request.cmd(Command.DEL).arg(key));
            List<Map.Entry<String, String>> all = new ArrayList<>(sessions.entrySet());
            for (int from = 0; from < all.size(); from += BATCH) {
                Request hset = Request.cmd(Command.HSET).arg(key);
                for (Map.Entry<String, String> session : all.subList(from, Math.min(all.size(), from + BATCH))) {
                    hset.arg(session.getKey()).arg(session.getValue());
                }
                write(hset);
            }
            for (Map.Entry<String, String> session : all) {
                if (!sessions.containsKey(session.getKey())) {
                    write(Request.cmd(Command.HDEL).arg(key).arg(session.getKey()));
                }
            }
            LOG.infof("%d SSE sessions listed again in %s", all.size(), key);
        }
        if (!sessions.isEmpty()) {
            // 0: the hash is gone although this pod holds sessions (Redis restarted without its data): list them again.
            redis.send(Request.cmd(Command.PEXPIRE).arg(key).arg(ttlMillis))
                    .subscribe()
                    .with(
                            renewed -> {
                                if (renewed == null || renewed.toInteger() == 0) {
                                    rewrite = true;
                                }
                            },
                            failure -> rewrite = true);
        }
    }

    private void write(Request request) {
        redis.send(request).subscribe().with(ignored -> {}, failure -> {
            rewrite = true;
            LOG.debugf("SSE directory write failed: %s", failure.getMessage());
        });
    }
}
