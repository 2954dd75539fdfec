package dev.roomcast.broker;

import dev.roomcast.loop.ConfinedLoop;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
    private static final long PERIODIC_READ_MILLIS = 30_000;

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

    /** Classic channels and patterns wanted, whether the classic connection holds them now or not (refused). */
    private final Map<String, SubscriptionKind> classicNames = new HashMap<>();
    /** Shard channels that followed a MOVED since the last topology read: the next one waits for a read. */
    private final Set<String> followedMoves = new HashSet<>();

    private SubscriberConnection classic;
    private Backoff refusals;
    /** A channel was refused or withdrawn since the last topology read: the reads' pause keeps growing. */
    private boolean displacedSinceRead;

    private Listener listener;
    private ClusterTopology topology;
    private int classicAttempts;
    private boolean refreshing;
    private boolean refreshAgain;
    private boolean refreshScheduled;
    private boolean stopped;
    private long periodicRead = -1;
    /** {@link #healthy()} as of the last change, for readiness, which asks from another thread. */
    private volatile boolean healthy;

    ClusterLink(RedisShard shard) {
        this.shard = shard;
        this.loop = shard.loop();
        this.options = shard.options();
        // Topology reads are one small command: retried sooner than connections, so a failover is noticed early.
        this.refreshes = new Backoff(
                shard.config().redis().reconnectMin(),
                shard.config().redis().reconnectMax().dividedBy(4));
    }

    @Override
    public void start(Listener eventListener) {
        listener = eventListener;
        refusals = shard.newBackoff();
        classic = shard.subscriber("classic", this::connectClassic, listener, this);
        classic.start();
        refresh();
        // Now and then even when nothing seems wrong: a topology change that neither refused nor withdrew a
        // subscription, nor broke a connection, is still noticed.
        periodicRead = shard.vertx().setPeriodic(PERIODIC_READ_MILLIS, id -> loop.run(this::refreshSoon));
    }

    @Override
    public void stop() {
        stopped = true;
        shard.vertx().cancelTimer(periodicRead);
        classic.stop();
        masters.values().forEach(SubscriberConnection::stop);
        masters.clear();
        clients.values().forEach(Redis::close);
        clients.clear();
    }

    @Override
    public void subscribe(String name, SubscriptionKind kind) {
        if (kind != SubscriptionKind.SHARD) {
            classicNames.put(name, kind);
            classic.add(name, kind);
        } else if (!shardChannels.containsKey(name)) {
            shardChannels.put(name, null);
            place(name);
            if (shardChannels.get(name) == null) {
                refreshSoon(); // no master known for its slot yet
            }
        }
        recheck();
    }

    @Override
    public void unsubscribe(String name) {
        if (classicNames.remove(name) != null) {
            classic.remove(name);
            recheck();
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

    /**
     * A {@code MOVED} names the master that serves the slot now: the channel goes there at once, once per topology
     * read (two nodes that disagree for a moment would otherwise bounce it between them). Otherwise the channel waits
     * for the next read. A refused classic channel or pattern is subscribed again after a pause.
     */
    @Override
    public void displaced(String name, String reason) {
        if (stopped) {
            return;
        }
        listener.inactive(name);
        displacedSinceRead = true;
        if (classicNames.containsKey(name)) {
            LOG.warnf("Redis refused the subscription to %s: %s; retrying", name, reason);
            long delay = refusals.next();
            loop.after(delay, () -> {
                SubscriptionKind kind = classicNames.get(name);
                if (kind != null && !stopped) {
                    classic.add(name, kind);
                }
            });
            recheck();
            return;
        }
        if (shardChannels.containsKey(name)) {
            SubscriberConnection holder = shardChannels.put(name, null);
            String movedTo = movedTo(
                    reason, holder == null ? null : URI.create(holder.label()).getHost());
            if (movedTo != null && topology != null && followedMoves.add(name)) {
                LOG.infof("shard channel %s moved (%s)", name, reason);
                topology = topology.withMaster(KeySlot.of(name), movedTo);
                place(name);
            } else {
                LOG.debugf("shard channel %s waits for the next topology read (%s)", name, reason);
            }
        }
        recheck();
        refreshSoon();
    }

    /**
     * The master a {@code MOVED slot host:port} error names, as a connection string; null for anything else. A node
     * that does not know (or hides) the new master's host writes {@code ?} or nothing: the host of the node that
     * answered.
     */
    private String movedTo(String error, String answeringHost) {
        String[] parts = error.split(" ");
        if (parts.length != 3 || !parts[0].equals("MOVED")) {
            return null;
        }
        int colon = parts[2].lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = parts[2].substring(0, colon);
        if (host.isEmpty() || host.equals("?")) {
            host = answeringHost;
        }
        if (host == null) {
            return null;
        }
        try {
            return options.endpoint(host, Integer.parseInt(parts[2].substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void connection(SubscriberConnection connection, boolean up) {
        recheck();
        if (!up && connection != classic) {
            refreshSoon(); // the master may be failing over: its channels go to the replica it promotes
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
        SubscriberConnection connection =
                shard.subscriber(master, () -> client(master).connect(), listener, this);
        connection.start();
        return connection;
    }

    private Future<RedisConnection> connectClassic() {
        // Any node will do; each attempt tries the next, so that a node gone for good is left behind.
        List<String> nodes = candidates();
        return client(nodes.get(Math.floorMod(classicAttempts++, nodes.size()))).connect();
    }

    /** The configured seeds, then every other node the last topology named. */
    private List<String> candidates() {
        Set<String> nodes = new LinkedHashSet<>(options.seeds());
        if (topology != null) {
            nodes.addAll(topology.nodes());
        }
        return new ArrayList<>(nodes);
    }

    private Redis client(String node) {
        return clients.computeIfAbsent(node, endpoint -> options.standaloneClient(shard.vertx(), endpoint));
    }

    /**
     * Asks for the topology to be read again, after a pause that grows while reads do not make things whole (a
     * failover under way, nodes that disagree for a moment): never in a tight loop, whatever the servers answer.
     */
    private void refreshSoon() {
        if (stopped) {
            return;
        }
        if (refreshing || refreshScheduled) {
            refreshAgain = true;
            return;
        }
        refreshScheduled = true;
        long delay = refreshes.next();
        loop.after(delay, () -> {
            refreshScheduled = false;
            refresh();
        });
    }

    /** Reads the topology now, from the first node that answers: seeds first, then every node known. */
    private void refresh() {
        if (stopped || refreshing) {
            return;
        }
        refreshing = true;
        refreshAgain = false;
        readSlots(candidates(), 0)
                .onComplete(read -> loop.run(() -> {
                    refreshing = false;
                    if (stopped) {
                        return;
                    }
                    boolean displaced = displacedSinceRead;
                    displacedSinceRead = false;
                    if (read.succeeded()) {
                        followedMoves.clear();
                        apply(read.result());
                        shard.knownNodes(topology.nodes());
                    } else {
                        LOG.debugf("cluster topology not read: %s", read.cause().getMessage());
                    }
                    if (refreshAgain || !everyNameHasALiveHome() || read.failed()) {
                        refreshSoon();
                    } else if (!displaced) {
                        refreshes.reset(); // things held still since the last read: the next trouble is met early
                    }
                }));
    }

    private Future<ClusterTopology> readSlots(List<String> nodes, int index) {
        Request slots = Request.cmd(Command.CLUSTER).arg("SLOTS");
        String node = nodes.get(index);
        return client(node)
                .send(slots)
                .map(reply ->
                        ClusterTopology.of(reply, options, URI.create(node).getHost()))
                .recover(failure ->
                        index + 1 < nodes.size() ? readSlots(nodes, index + 1) : Future.failedFuture(failure));
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
                // Its client stays: the classic connection may use the same node, and nodes are few.
                master.getValue().stop();
                it.remove();
            }
        }
        recheck();
        if (relocated > 0) {
            LOG.infof("cluster topology changed: %d shard channels moved to another master", relocated);
        }
    }
}
