package dev.roomcast.node;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.protocol.Channels;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Ids;
import dev.roomcast.testing.LocalRedisCluster;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three packaged pods on the local Redis Cluster: every target type and every emitter body reaches its recipients on
 * every pod exactly once, with rooms on every shard; a master killed while clients on all pods send loses and
 * duplicates no acknowledged message (the log fills what Redis could not carry) and presence is whole afterwards; a
 * killed pod's clients leave presence in rooms of every shard.
 */
class ClusterMultiPodIT {

    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Map<String, String> CONFIG = LocalRedisCluster.podConfig(withUnlimitedRates());

    @RegisterExtension
    static final Pods PODS =
            Pods.of("cluster-1", CONFIG).and("cluster-2", CONFIG).and("cluster-3", CONFIG);

    private static Map<String, String> withUnlimitedRates() {
        Map<String, String> config = new LinkedHashMap<>(Pod.UNLIMITED_RATES);
        config.put("roomcast.presence.ttl", TTL.toSeconds() + "s");
        return config;
    }

    @AfterEach
    void clusterIsWholeAgain() {
        LocalRedisCluster.awaitWhole();
        for (int i = 0; i < 3; i++) {
            Pod pod = PODS.get(i);
            await().atMost(Duration.ofSeconds(30)).until(() -> pod.readinessStatus() == 200);
        }
    }

    @Test
    void everyTargetAndEveryEmitterBodyReachesEachRecipientOnEveryPodExactlyOnce() {
        List<String> rooms = roomsOnEveryMaster("live:" + Ids.unique("spread"));
        String user = Ids.unique("multi");
        List<WsClient> members = new ArrayList<>();
        List<WsClient> tabs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient member = WsClient.withBearer(PODS.get(i).base(), Tokens.user(Ids.unique("member")));
                member.join(rooms.toArray(String[]::new));
                members.add(member);
                tabs.add(WsClient.withBearer(PODS.get(i).base(), Tokens.user(user)));
            }
            WsClient target = members.get(2);
            for (int i = 0; i < rooms.size(); i++) {
                emit(i % 3, "room", rooms.get(i), "via.api");
                LocalRedisCluster.spublish(Channels.room(rooms.get(i)), body("room", rooms.get(i), "via.redis"));
            }
            emit(0, "user", user, "via.api");
            LocalRedisCluster.spublish(Channels.user(user), body("user", user, "via.redis"));
            emit(1, "client", target.clientId(), "via.api");
            List<String> ports = LocalRedisCluster.ports();
            LocalRedisCluster.publish(
                    ports.get(0), Channels.client(target.clientId()), body("client", target.clientId(), "via.redis"));
            emit(2, "broadcast", null, "via.api");
            LocalRedisCluster.publish(
                    ports.get(ports.size() - 1),
                    Channels.BROADCAST,
                    "{\"serverId\":\"emitter\",\"type\":\"broadcast\",\"event\":\"via.redis\"}");
            emit(0, "broadcast", null, "marker");

            for (WsClient member : members) {
                int expected = 2 * rooms.size() + 2 + (member == target ? 2 : 0);
                assertEquals(expected, countUntilMarker(member), "events reaching " + member.clientId());
            }
            for (WsClient tab : tabs) {
                assertEquals(4, countUntilMarker(tab), "user and broadcast events reaching " + tab.clientId());
            }
        } finally {
            members.forEach(WsClient::close);
            tabs.forEach(WsClient::close);
        }
    }

    @Test
    void aMasterKilledWhileEveryPodSendsLosesAndDuplicatesNoAcknowledgedMessage() throws Exception {
        List<String> senders = List.of(Ids.unique("s"), Ids.unique("s"), Ids.unique("s"));
        List<String> readers = List.of(Ids.unique("r"), Ids.unique("r"), Ids.unique("r"));
        String probeReader = Ids.unique("probe-reader");
        List<String> everyone = new ArrayList<>(senders);
        everyone.addAll(readers);
        everyone.add(probeReader);
        String room = ChatFixtures.room(PODS.first().base(), "fo-host", "failover", everyone.toArray(String[]::new));
        String master = LocalRedisCluster.masterOf(Channels.room(room));
        List<WsClient> readerClients = new ArrayList<>();
        List<WsClient> senderClients = new ArrayList<>();
        WsClient probed = WsClient.withBearer(PODS.get(2).base(), Tokens.user(probeReader));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acked = new AtomicLong();
        try {
            for (int i = 0; i < 3; i++) {
                WsClient reader = WsClient.withBearer(PODS.get(i).base(), Tokens.user(readers.get(i)));
                reader.join(room);
                readerClients.add(reader);
                WsClient sender = WsClient.withBearer(PODS.get(i).base(), Tokens.user(senders.get(i)));
                sender.join(room);
                senderClients.add(sender);
            }
            probed.join(room);
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                WsClient sender = senderClients.get(s);
                int index = s;
                sending.add(CompletableFuture.runAsync(() -> {
                    // Bounded: at most 2000 messages each, one at a time, until told to stop.
                    for (int m = 0; m < 2000 && !stop.get(); m++) {
                        JsonNode reply = sender.request(
                                "message.send",
                                Map.of("room", room, "text", index + ":" + m, "clientMsgId", index + "-" + m));
                        if ("ack".equals(reply.path("event").asText())) {
                            acked.incrementAndGet();
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> acked.get() >= 150);

            long killedAt = System.nanoTime();
            LocalRedisCluster.kill(master);
            // Live delivery across pods resumes once the replica serves the slot and the pods moved their
            // subscriptions there: a message sent on the first pod reaches a reader on the third.
            Duration resumed = awaitLiveDelivery(probed, room, killedAt);
            stop.set(true);
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            System.out.printf(
                    "cluster failover: live delivery across pods resumed %d ms after the master was killed%n",
                    resumed.toMillis());
            assertTrue(
                    resumed.compareTo(Duration.ofSeconds(30)) < 0,
                    "live delivery resumed " + resumed.toMillis() + " ms after the kill");

            // A last message from each pod: every reader then holds the whole log, in order, once.
            long last = 0;
            for (WsClient sender : senderClients) {
                last = ChatFixtures.send(sender, room, "last").path("offset").asLong();
            }
            for (WsClient reader : readerClients) {
                List<Long> offsets = offsetsUpTo(reader, last);
                for (int i = 0; i < offsets.size(); i++) {
                    assertEquals(i + 1, offsets.get(i), reader.clientId() + ": a gap, duplicate or reordering at " + i);
                }
                assertEquals(last, offsets.size());
            }
            assertTrue(last >= acked.get(), "every acknowledged message is in the log: " + last + " < " + acked);

            // Presence is whole again: every member counted once, whichever pod is asked.
            for (WsClient reader : readerClients) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> presentUsers(reader, room).equals(presenceOfEveryone(everyone)));
            }
        } finally {
            stop.set(true);
            readerClients.forEach(WsClient::close);
            senderClients.forEach(WsClient::close);
            probed.close();
            LocalRedisCluster.start(master);
        }
    }

    @Test
    void aKilledPodsClientsLeavePresenceInRoomsOfEveryShard() {
        List<String> rooms = roomsOnEveryMaster("live:" + Ids.unique("crash"));
        String victim = Ids.unique("victim");
        Pod doomed = Pod.start("cluster-doomed", CONFIG);
        try (WsClient watcher = WsClient.withBearer(PODS.first().base(), Tokens.user(Ids.unique("watcher")))) {
            watcher.join(rooms.toArray(String[]::new));
            WsClient onDoomed = WsClient.withBearer(doomed.base(), Tokens.user(victim));
            onDoomed.join(rooms.toArray(String[]::new));
            for (int i = 0; i < rooms.size(); i++) {
                watcher.awaitFrame(presenceOf("presence.join", victim), "the victim's joins");
            }
            doomed.kill();
            List<String> left = new ArrayList<>();
            for (int i = 0; i < rooms.size(); i++) {
                left.add(watcher.awaitFrame(presenceOf("presence.leave", victim), "the victim's leaves")
                        .path("room")
                        .asText());
            }
            assertEquals(
                    rooms.stream().sorted().toList(), left.stream().sorted().toList());
            given().baseUri(PODS.second().base().toString())
                    .auth()
                    .oauth2(Tokens.user("asker"))
                    .get("/api/users/" + victim + "/presence")
                    .then()
                    .statusCode(200)
                    .body("online", org.hamcrest.Matchers.equalTo(false));
            watcher.assertNothingBeforePong(presenceOf("presence.leave", victim), "a second presence.leave");
            onDoomed.close();
        } finally {
            doomed.close();
        }
    }

    /** Rooms named from the hint until their channels cover every master: one per master. */
    private static List<String> roomsOnEveryMaster(String hint) {
        Map<String, String> roomByMaster = new HashMap<>();
        for (int i = 0; roomByMaster.size() < 3 && i < 200; i++) {
            String room = hint + "-" + i;
            roomByMaster.putIfAbsent(LocalRedisCluster.masterOf(Channels.room(room)), room);
        }
        assertEquals(3, roomByMaster.size(), roomByMaster.toString());
        return new ArrayList<>(roomByMaster.values());
    }

    private static void emit(int pod, String type, String target, String event) {
        Map<String, Object> request = new HashMap<>();
        request.put("type", type);
        if (target != null) {
            request.put("target", target);
        }
        request.put("event", event);
        given().baseUri(PODS.get(pod).base().toString())
                .auth()
                .oauth2(Tokens.admin("ops"))
                .contentType(ContentType.JSON)
                .body(request)
                .post("/api/emit")
                .then()
                .statusCode(202);
    }

    private static String body(String type, String target, String event) {
        return "{\"serverId\":\"emitter\",\"type\":\"" + type + "\",\"target\":\"" + target + "\",\"event\":\"" + event
                + "\"}";
    }

    /** Emitted events (via.api, via.redis) that reach the client before the marker broadcast. */
    private static int countUntilMarker(WsClient client) {
        int count = 0;
        while (true) {
            String event = client.awaitFrame(
                            frame -> frame.path("event").asText().startsWith("via.")
                                    || frame.path("event").asText().equals("marker"),
                            "emitted events and the marker")
                    .path("event")
                    .asText();
            if (event.equals("marker")) {
                return count;
            }
            count++;
        }
    }

    /**
     * The time from the kill until an event published on the first pod reaches a client on the third through Redis
     * again: emitted events (not persisted, so no log can fill in for them), one every 100 ms, each a new one.
     */
    private static Duration awaitLiveDelivery(WsClient reader, String room, long since) {
        AtomicBoolean arrived = new AtomicBoolean();
        CompletableFuture<Void> probing = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 600 && !arrived.get(); i++) {
                given().baseUri(PODS.first().base().toString())
                        .auth()
                        .oauth2(Tokens.admin("ops"))
                        .contentType(ContentType.JSON)
                        .body(Map.of("type", "room", "target", room, "event", "probe"))
                        .post("/api/emit");
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        });
        try {
            for (int attempt = 0; attempt < 6; attempt++) {
                try {
                    reader.awaitEvent("probe");
                    return Duration.ofNanos(System.nanoTime() - since);
                } catch (AssertionError notYet) {
                    // none within the wait: the slot has no live master yet
                }
            }
            throw new AssertionError("live delivery never resumed");
        } finally {
            arrived.set(true);
            probing.join();
        }
    }

    /** The offsets of message.created the reader received, in order, until the given one. */
    private static List<Long> offsetsUpTo(WsClient reader, long last) {
        List<Long> offsets = new ArrayList<>();
        for (JsonNode frame : reader.drain()) {
            if ("message.created".equals(frame.path("event").asText())) {
                offsets.add(frame.path("offset").asLong());
            }
        }
        while (offsets.isEmpty() || offsets.get(offsets.size() - 1) < last) {
            offsets.add(reader.awaitEvent("message.created").path("offset").asLong());
        }
        return offsets;
    }

    private static Map<String, Long> presentUsers(WsClient client, String room) {
        Map<String, Long> users = new HashMap<>();
        for (JsonNode user : client.request("presence.get", Map.of("room", room))
                .path("data")
                .path("users")) {
            users.put(user.path("userId").asText(), user.path("clients").asLong());
        }
        return users;
    }

    private static Map<String, Long> presenceOfEveryone(List<String> users) {
        Map<String, Long> expected = new HashMap<>();
        users.forEach(user -> expected.put(user, 1L));
        return expected;
    }

    private static Predicate<JsonNode> presenceOf(String event, String userId) {
        return frame -> event.equals(frame.path("event").asText())
                && userId.equals(frame.path("data").path("userId").asText());
    }
}
