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
 * duplicates no acknowledged message (the log fills what Redis could not carry) and presence is whole afterwards; so
 * does a room's slot moved to another master, as {@code redis-cli --cluster reshard} moves it; a killed pod's clients
 * leave presence in rooms of every shard.
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
        try (ChatOnEveryPod chat = ChatOnEveryPod.start("failover")) {
            String master = LocalRedisCluster.masterOf(Channels.room(chat.room));
            try {
                long killedAt = System.nanoTime();
                LocalRedisCluster.kill(master);
                // Live delivery across pods resumes once the replica serves the slot and the pods moved their
                // subscriptions there: a message sent on the first pod reaches a reader on the third.
                chat.assertLiveDeliveryResumes(killedAt, "the master was killed", Duration.ofSeconds(30));
                chat.stopAndCheckEveryReaderHoldsTheWholeLogOnce();
            } finally {
                LocalRedisCluster.start(master);
            }
        }
    }

    @Test
    void aRoomsSlotMovedToAnotherMasterWhileEveryPodSendsKeepsDeliveringAndCounting() throws Exception {
        try (ChatOnEveryPod chat = ChatOnEveryPod.start("reshard")) {
            String channel = Channels.room(chat.room);
            int slot = LocalRedisCluster.slot(channel);
            String from = LocalRedisCluster.masterOf(channel);
            String to = LocalRedisCluster.anotherMaster(from);
            try {
                long movedAt = System.nanoTime();
                // The slot's keys (the room's presence among them) go over with MIGRATE while the pods send.
                LocalRedisCluster.moveSlot(slot, to);
                await().atMost(Duration.ofSeconds(15))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> LocalRedisCluster.shardSubscribers(to, channel) == 3);
                assertEquals(0, LocalRedisCluster.shardSubscribers(from, channel));
                chat.assertLiveDeliveryResumes(movedAt, "the slot began to move", Duration.ofSeconds(15));
                chat.stopAndCheckEveryReaderHoldsTheWholeLogOnce();

                // Presence lives on the new master now and still changes: a newcomer on one pod is seen on another.
                String newcomer = Ids.unique("newcomer");
                ChatFixtures.addMember(PODS.first().base(), "reshard-host", chat.room, newcomer);
                try (WsClient late = WsClient.withBearer(PODS.get(1).base(), Tokens.user(newcomer))) {
                    late.join(chat.room);
                    chat.readers.get(2).awaitFrame(presenceOf("presence.join", newcomer), "the newcomer's join");
                }
                chat.readers.get(0).awaitFrame(presenceOf("presence.leave", newcomer), "the newcomer's leave");
            } finally {
                if (!LocalRedisCluster.masterOf(channel).equals(from)) {
                    LocalRedisCluster.moveSlot(slot, from);
                }
            }
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

    /**
     * A room with a reader and a sender on each of the three pods and a probed reader on the third; the senders send
     * one message at a time (at most 2000 each) until stopped.
     */
    private static final class ChatOnEveryPod implements AutoCloseable {
        final String room;
        final List<String> everyone = new ArrayList<>();
        final List<WsClient> readers = new ArrayList<>();
        final List<WsClient> senders = new ArrayList<>();
        final WsClient probed;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong acked = new AtomicLong();
        private final List<CompletableFuture<Void>> sending = new ArrayList<>();

        private ChatOnEveryPod(String name) {
            List<String> senderIds = List.of(Ids.unique("s"), Ids.unique("s"), Ids.unique("s"));
            List<String> readerIds = List.of(Ids.unique("r"), Ids.unique("r"), Ids.unique("r"));
            String probeReader = Ids.unique("probe-reader");
            everyone.addAll(senderIds);
            everyone.addAll(readerIds);
            everyone.add(probeReader);
            room = ChatFixtures.room(PODS.first().base(), name + "-host", name, everyone.toArray(String[]::new));
            probed = WsClient.withBearer(PODS.get(2).base(), Tokens.user(probeReader));
            for (int i = 0; i < 3; i++) {
                WsClient reader = WsClient.withBearer(PODS.get(i).base(), Tokens.user(readerIds.get(i)));
                reader.join(room);
                readers.add(reader);
                WsClient sender = WsClient.withBearer(PODS.get(i).base(), Tokens.user(senderIds.get(i)));
                sender.join(room);
                senders.add(sender);
            }
            probed.join(room);
        }

        static ChatOnEveryPod start(String name) {
            ChatOnEveryPod chat = new ChatOnEveryPod(name);
            for (int s = 0; s < 3; s++) {
                WsClient sender = chat.senders.get(s);
                int index = s;
                chat.sending.add(CompletableFuture.runAsync(() -> {
                    for (int m = 0; m < 2000 && !chat.stop.get(); m++) {
                        JsonNode reply = sender.request(
                                "message.send",
                                Map.of("room", chat.room, "text", index + ":" + m, "clientMsgId", index + "-" + m));
                        if ("ack".equals(reply.path("event").asText())) {
                            chat.acked.incrementAndGet();
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> chat.acked.get() >= 150);
            return chat;
        }

        /** Live delivery across pods (see {@link #awaitLiveDelivery}) comes back within the bound after the event. */
        void assertLiveDeliveryResumes(long since, String event, Duration bound) {
            Duration resumed = awaitLiveDelivery(probed, room, since);
            System.out.printf("cluster: live delivery across pods %d ms after %s%n", resumed.toMillis(), event);
            assertTrue(
                    resumed.compareTo(bound) < 0, "live delivery resumed " + resumed.toMillis() + " ms after " + event);
        }

        /**
         * Stops the senders, sends a last message from each pod, and checks that every reader then holds the whole log
         * in order, once each, with every acknowledged message in it, and that presence counts everyone once.
         */
        void stopAndCheckEveryReaderHoldsTheWholeLogOnce() throws Exception {
            stop.set(true);
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long last = 0;
            for (WsClient sender : senders) {
                last = ChatFixtures.send(sender, room, "last").path("offset").asLong();
            }
            for (WsClient reader : readers) {
                List<Long> offsets = offsetsUpTo(reader, last);
                for (int i = 0; i < offsets.size(); i++) {
                    assertEquals(i + 1, offsets.get(i), reader.clientId() + ": a gap, duplicate or reordering at " + i);
                }
                assertEquals(last, offsets.size());
            }
            assertTrue(last >= acked.get(), "every acknowledged message is in the log: " + last + " < " + acked);
            for (WsClient reader : readers) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> presentUsers(reader, room).equals(presenceOfEveryone(everyone)));
            }
        }

        @Override
        public void close() {
            stop.set(true);
            CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new))
                    .orTimeout(60, TimeUnit.SECONDS)
                    .exceptionally(failed -> null)
                    .join();
            readers.forEach(WsClient::close);
            senders.forEach(WsClient::close);
            probed.close();
        }
    }
}
