package dev.roomcast.broker;

import dev.roomcast.loop.ConfinedLoop;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The pub/sub link to a Redis Cluster. Shard channels (rooms, users) are subscribed on a connection to the master of
 * their slot, one connection per master that serves a channel the pod needs, so each master carries only its own
 * channels' traffic and adding masters adds capacity. Classic channels and patterns (broadcast, this pod's clients)
 * live on one more connection, to any node: every node hears every {@code PUBLISH} of the cluster.
 * <p>
 * The topology ({@code CLUSTER SLOTS}) is read at start and again whenever it may have changed: a master's connection
 * lost, a subscription refused ({@code MOVED}) or withdrawn by the server (its slot moved). Each shard channel then
 * goes to the master that serves it now; one whose slot has no master waits, and the topology is read again with
 * backoff until every channel is placed on a live connection. Confined to the shard's loop.
 */
final class ClusterLink implements PubSubLink, SubscriberConnection.Owner {

    private static final Logger LOG = Logger.getLogger(ClusterLink.class);

    private final RedisShard shard;
    private final ConfinedLoop loop;
    private final RedisClientOptions options;
    private final Backoff refreshes;

    /** Standalone clients by node, for the connections this link opens to chosen nodes. */
    private final Map<String, Redis> clients = new HashMap<>();
    /** Connections to masters, by master. */
    private final Map<String, SubscriberConnection> masters = new HashMap<>();
    /** Every shard channel wanted, and the master connection that holds it now (null: waiting for a master). */
    private final Map<String, SubscriberConnection> shardChannels = new HashMap<>();

    private SubscriberConnection classic;
    private Listener listener;
    private ClusterTopology topology;
    private int classicAttempts;
    private boolean refreshing;
    private boolean refreshAgain;
    private boolean refreshScheduled;
    private boolean stopped;
    /** {@link #healthy()} as of the last change, for readiness, which asks from another thread. */
    private volatile boolean healthy;

    ClusterLink(RedisShard shard) {
        this.shard = shard;
        this.loop = shard.loop();
        this.options = shard.options();
        this.refreshes = shard.newBackoff();
    }

    @Override
    public void start(Listener eventListener) {
        listener = eventListener;
        classic = new SubscriberConnection(
                "classic", this::connectClassic, loop, shard.vertx(), shard.newBackoff(), listener, this);
        classic.start();
        refresh();
    }

    @Override
    public void stop() {
        stopped = true;
        classic.stop();
        masters.values().forEach(SubscriberConnection::stop);
        masters.clear();
        clients.values().forEach(Redis::close);
        clients.clear();
    }

    @Override
    public void subscribe(String name, SubscriptionKind kind) {
        if (kind != SubscriptionKind.SHARD) {
            classic.add(name, kind);
        } else if (!shardChannels.containsKey(name)) {
            shardChannels.put(name, null);
            place(name);
            if (shardChannels.get(name) == null) {
                refresh(); // no master known for its slot yet
            }
        }
        recheck();
    }

    @Override
    public void unsubscribe(String name) {
        if (classic.holds(name)) {
            classic.remove(name);
            return;
        }
        SubscriberConnection holder = shardChannels.remove(name);
        if (holder != null) {
            holder.remove(name);
        }
        recheck();
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    private void recheck() {
        healthy = everyNameHasALiveHome();
    }

    private boolean everyNameHasALiveHome() {
        if (!classic.connected()) {
            return false;
        }
        for (SubscriberConnection holder : shardChannels.values()) {
            if (holder == null || !holder.connected()) {
                return false;
            }
        }
        return true;
    }

    /** The masters this pod holds shard channels on, and how many on each: for the health check and tests. */
    Map<String, Integer> placement() {
        Map<String, Integer> counts = new HashMap<>();
        masters.forEach(
                (master, connection) -> counts.put(master, connection.names().size()));
        return counts;
    }

    @Override
    public void displaced(String name, String reason) {
        LOG.infof("shard channel %s to be placed again (%s)", name, reason);
        listener.inactive(name);
        if (shardChannels.containsKey(name)) {
            shardChannels.put(name, null);
        }
        recheck();
        refresh();
    }

    @Override
    public void connection(SubscriberConnection connection, boolean up) {
        recheck();
        if (!up && connection != classic) {
            refresh(); // the master may be failing over: its channels go to the replica it promotes
        }
    }

    /** Puts a shard channel on its master's connection, or leaves it waiting until the topology names one. */
    private void place(String name) {
        String master = topology == null ? null : topology.masterOf(name);
        if (master == null) {
            return;
        }
        SubscriberConnection holder = masters.computeIfAbsent(master, this::openMaster);
        shardChannels.put(name, holder);
        holder.add(name, SubscriptionKind.SHARD);
    }

    private SubscriberConnection openMaster(String master) {
        SubscriberConnection connection = new SubscriberConnection(
                master, () -> client(master).connect(), loop, shard.vertx(), shard.newBackoff(), listener, this);
        connection.start();
        return connection;
    }

    private Future<RedisConnection> connectClassic() {
        // Any node will do; each attempt tries the next, so that a node gone for good is left behind.
        List<String> candidates = new ArrayList<>(new LinkedHashSet<>(options.seeds()));
        if (topology != null) {
            for (String node : topology.nodes()) {
                if (!candidates.contains(node)) {
                    candidates.add(node);
                }
            }
        }
        String node = candidates.get(Math.floorMod(classicAttempts++, candidates.size()));
        return client(node).connect();
    }

    private Redis client(String node) {
        return clients.computeIfAbsent(node, endpoint -> options.standaloneClient(shard.vertx(), endpoint));
    }

    /** Reads the topology again (once at a time; a request meanwhile runs one more read after it). */
    private void refresh() {
        if (stopped) {
            return;
        }
        if (refreshing) {
            refreshAgain = true;
            return;
        }
        refreshing = true;
        shard.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .subscribe()
                .with(
                        slots -> loop.run(() -> {
                            refreshing = false;
                            apply(ClusterTopology.of(slots, options));
                            afterRefresh();
                        }),
                        failure -> loop.run(() -> {
                            refreshing = false;
                            LOG.debugf("cluster topology not read: %s", failure.getMessage());
                            refreshAgain = true;
                            afterRefresh();
                        }));
    }

    /** Reads again at once if asked meanwhile; while something is still amiss, again after a pause. */
    private void afterRefresh() {
        if (stopped || refreshScheduled) {
            return;
        }
        if (everyNameHasALiveHome() && !refreshAgain) {
            refreshes.reset();
            return;
        }
        refreshAgain = false;
        refreshScheduled = true;
        long delay = refreshes.next();
        loop.later(() -> shard.vertx()
                .setTimer(
                        delay,
                        id -> loop.run(() -> {
                            refreshScheduled = false;
                            refresh();
                        })));
    }

    /** Moves every shard channel whose slot another master serves now, and places the ones waiting. */
    private void apply(ClusterTopology fresh) {
        topology = fresh;
        recheck();
        List<String> moved = new ArrayList<>();
        int relocated = 0;
        for (Map.Entry<String, SubscriberConnection> channel : shardChannels.entrySet()) {
            SubscriberConnection holder = channel.getValue();
            if (holder == null || !holder.label().equals(fresh.masterOf(channel.getKey()))) {
                moved.add(channel.getKey());
            }
        }
        for (String name : moved) {
            SubscriberConnection holder = shardChannels.get(name);
            if (holder != null) {
                holder.remove(name);
                listener.inactive(name);
                relocated++;
            }
            place(name);
        }
        Set<String> serving = new LinkedHashSet<>(fresh.masters());
        for (Iterator<Map.Entry<String, SubscriberConnection>> it =
                        masters.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, SubscriberConnection> master = it.next();
            if (master.getValue().names().isEmpty() && !serving.contains(master.getKey())) {
                master.getValue().stop();
                it.remove();
                Redis client = clients.remove(master.getKey());
                if (client != null) {
                    client.close();
                }
            }
        }
        recheck();
        if (relocated > 0) {
            LOG.infof("cluster topology changed: %d shard channels moved to another master", relocated);
        }
    }
}
