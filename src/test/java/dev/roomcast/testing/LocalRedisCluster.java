package dev.roomcast.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The test instance's Redis Cluster, started by {@code scripts/services cluster-up}: six real {@code redis-server}
 * processes on loopback, three masters with a replica each. Started once per JVM, torn down at its end only if this
 * JVM started it; nodes can be killed and started again for fault tests.
 */
public final class LocalRedisCluster {

    private static Map<String, String> settings;

    private LocalRedisCluster() {}

    public static synchronized Map<String, String> up() {
        if (settings == null) {
            settings = LocalServices.settings(LocalServices.run("cluster-up"));
            if ("1".equals(settings.get("STARTED"))) {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(() -> LocalServices.run("cluster-down"), "cluster-down"));
            }
        }
        return settings;
    }

    /** Returns once every node runs and the cluster is whole again (a fault test may leave one mid-failover). */
    public static void awaitWhole() {
        up();
        LocalServices.run("cluster-up");
    }

    /** {@code redis://127.0.0.1:PORT,...}, every node: what {@code quarkus.redis.hosts} takes in cluster mode. */
    public static String hosts() {
        return up().get("ROOMCAST_REDIS_CLUSTER_HOSTS");
    }

    public static List<String> ports() {
        return Arrays.asList(up().get("ROOMCAST_REDIS_CLUSTER_PORTS").split(","));
    }

    /** The hash slot of a key or shard channel, as the cluster computes it ({@code CLUSTER KEYSLOT}). */
    public static int slot(String name) {
        return Integer.parseInt(cli(anyLivePort(), "CLUSTER", "KEYSLOT", name));
    }

    /** The port of the master serving the slot of a key or shard channel; fails while none does. */
    public static String masterOf(String name) {
        int slot = slot(name);
        return masterOf(slot).orElseThrow(() -> new IllegalStateException("no master serves slot " + slot));
    }

    /** Subscribers of a shard channel on the master of its slot ({@code PUBSUB SHARDNUMSUB}). */
    public static int shardSubscribers(String channel) {
        return shardSubscribers(masterOf(channel), channel);
    }

    /** Subscribers of a shard channel on one node. */
    public static int shardSubscribers(String port, String channel) {
        String[] lines = cli(port, "PUBSUB", "SHARDNUMSUB", channel).split("\n");
        return Integer.parseInt(lines[lines.length - 1].trim());
    }

    /** {@code SPUBLISH} as an emitter in cluster mode sends it: to any node, following the redirection to the owner. */
    public static int spublish(String channel, String body) {
        return Integer.parseInt(
                cli(anyLivePort(), "-c", "SPUBLISH", channel, body).trim());
    }

    /** {@code PUBLISH} to one node: the cluster hands it to every node's subscribers. */
    public static void publish(String port, String channel, String body) {
        cli(port, "PUBLISH", channel, body);
    }

    /** The app settings for cluster mode: the test services with {@code quarkus.redis.*} pointing at the cluster. */
    public static Map<String, String> appConfig() {
        Map<String, String> config = new LinkedHashMap<>(LocalServices.appConfig());
        config.put("quarkus.redis.client-type", "cluster");
        config.put("quarkus.redis.hosts", hosts());
        return config;
    }

    /**
     * Moves one slot, with its keys, to the master on another port, as {@code redis-cli --cluster reshard} does for
     * each slot it moves: the target imports, the source migrates, the keys go over with {@code MIGRATE}, then every
     * master is told the new owner.
     */
    public static void moveSlot(int slot, String toPort) {
        String fromPort = masterOf(slot).orElseThrow();
        if (fromPort.equals(toPort)) {
            throw new IllegalArgumentException("slot " + slot + " is on " + toPort + " already");
        }
        String fromId = cli(fromPort, "CLUSTER", "MYID");
        String toId = cli(toPort, "CLUSTER", "MYID");
        cli(toPort, "CLUSTER", "SETSLOT", String.valueOf(slot), "IMPORTING", fromId);
        cli(fromPort, "CLUSTER", "SETSLOT", String.valueOf(slot), "MIGRATING", toId);
        while (true) {
            String keys = cli(fromPort, "CLUSTER", "GETKEYSINSLOT", String.valueOf(slot), "100");
            if (keys.isBlank()) {
                break;
            }
            List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", toPort, "", "0", "5000", "KEYS"));
            migrate.addAll(keys.lines().map(String::trim).toList());
            cli(fromPort, migrate.toArray(String[]::new));
        }
        for (String port : ports()) {
            try {
                if (cli(port, "ROLE").lines().findFirst().orElse("").trim().equals("master")) {
                    cli(port, "CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", toId);
                }
            } catch (IllegalStateException down) {
                // a node that is not running learns it from the others when it starts
            }
        }
    }

    /** The port of a master now that is not the given one. */
    public static String anotherMaster(String port) {
        return masters().stream()
                .filter(master -> !master.equals(port))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no master but " + port));
    }

    /** The ports of the nodes that are masters now. */
    public static List<String> masters() {
        List<String> masters = new ArrayList<>();
        for (String port : ports()) {
            try {
                if (cli(port, "ROLE").lines().findFirst().orElse("").trim().equals("master")) {
                    masters.add(port);
                }
            } catch (IllegalStateException down) {
                // not running
            }
        }
        return masters;
    }

    /** Settings for a packaged pod in cluster mode, with more of its own. */
    public static Map<String, String> podConfig(Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>(extra);
        config.put("quarkus.redis.client-type", "cluster");
        config.put("quarkus.redis.hosts", hosts());
        return config;
    }

    /** A node that answers now. */
    public static String anyLivePort() {
        for (String port : ports()) {
            try {
                cli(port, "PING");
                return port;
            } catch (IllegalStateException down) {
                // the next one
            }
        }
        throw new IllegalStateException("no node of the cluster answers");
    }

    /** Kills a node at once (SIGKILL): no goodbye to the cluster, as a crashed pod or machine. */
    public static void kill(String port) {
        LocalServices.run("cluster-kill", port);
    }

    /** Starts a killed node again with its cluster state: it rejoins, as a replica if it was failed over. */
    public static void start(String port) {
        LocalServices.run("cluster-start", port);
    }

    /** {@code redis-cli} against one node; with {@code -c} it follows the cluster's redirections. */
    public static String cli(String port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", port));
        command.addAll(List.of(args));
        return Commands.run(command);
    }

    /** The port of the master serving a slot, as the first node that answers sees it; empty while none does. */
    public static Optional<String> masterOf(int slot) {
        for (String port : ports()) {
            String nodes;
            try {
                nodes = cli(port, "CLUSTER", "NODES");
            } catch (IllegalStateException down) {
                continue;
            }
            for (String line : nodes.split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    if (range[0].startsWith("[")) {
                        continue; // a slot being migrated or imported
                    }
                    int from = Integer.parseInt(range[0]);
                    int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        return Optional.of(fields[1].replaceAll("^.*:(\\d+)@.*$", "$1"));
                    }
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }
}
