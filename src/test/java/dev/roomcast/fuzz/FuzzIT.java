package dev.roomcast.fuzz;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.error.ErrorCode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Metrics;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.StalledClient;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input against two real pods (issue 9's fuzz suite): generated bad frames on WebSocket connections of many
 * users, bad requests generated from the OpenAPI document for every operation, and readers that stop reading while they
 * ask for more. Throughout, a well-behaved client on both pods keeps working. Nothing may answer with a 5xx or an
 * {@code INTERNAL}, close with a code PROTOCOL.md does not list for such input, answer an id twice or not at all, or
 * keep memory once the clients are gone.
 * <p>
 * Seeded: {@code -Dfuzz.seed=N} replays a run; every failure names the seed.
 */
class FuzzIT {

    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int USERS = 40;
    private static final int FRAMES_PER_USER = 260;
    private static final int REQUESTS = 2200;
    /** Per connection, under the {@code all} bucket (50/s), so that frames reach their handlers. */
    private static final long FRAME_INTERVAL_NANOS = 25_000_000;
    /** What a pod may close a fuzzing socket with: PROTOCOL.md's codes for bad input (and our own normal close). */
    private static final Set<Integer> DOCUMENTED_CLOSES = Set.of(1000, 1003, 1008, 1009, 4003, 4008);

    private static final Set<String> ERROR_CODES = Arrays.stream(ErrorCode.values())
            .filter(code -> code != ErrorCode.INTERNAL)
            .map(ErrorCode::name)
            .collect(Collectors.toSet());

    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    /** What the fuzz drew, for the report (and to tell that it reached the handlers at all). */
    private final Map<String, Integer> replies = new ConcurrentHashMap<>();

    private final Map<String, Integer> closes = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();

    @RegisterExtension
    static final Pods PODS = Pods.of("fuzz-1", Map.of()).and("fuzz-2", Map.of());

    @BeforeAll
    static void announce() {
        System.out.println("fuzz seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    }

    @Test
    void hostileInputNeverBreaksThePodsAndLeavesNothingBehind() throws Exception {
        List<String> chatRooms = chatRoomsOfTheUsers();
        // A rehearsal at a tenth of the volume warms the pods up (compiled code, pools, caches), so that what the
        // memory check compares is what the attack itself leaves behind.
        fuzzFrames(chatRooms, SEED - 1, USERS / 4, FRAMES_PER_USER / 3);
        fuzzRequests(chatRooms, SEED - 1, REQUESTS / 10);
        stallWhileAsking(2);
        assertNoViolations();
        awaitNoConnections();
        PodMemory oneBefore = PodMemory.of(PODS.first().pid());
        PodMemory twoBefore = PodMemory.of(PODS.second().pid());

        int frames;
        int requests;
        try (Canary canary = new Canary(PODS.first(), PODS.second(), violations::add).start()) {
            frames = fuzzFrames(chatRooms, SEED, USERS, FRAMES_PER_USER);
            requests = fuzzRequests(chatRooms, SEED, REQUESTS);
            stallWhileAsking(6);
            assertTrue(canary.rounds() > 0, seed("the canary never completed a round"));
            System.out.println("fuzz: the canary completed " + canary.rounds() + " rounds");
        }
        System.out.println("fuzz: " + frames + " frames, replies " + new TreeMap<>(replies) + ", closes "
                + new TreeMap<>(closes) + "; " + requests + " requests, statuses " + new TreeMap<>(statuses));
        assertTrue(frames >= 10_000, seed("only " + frames + " frames were sent"));
        assertTrue(requests >= 2_000, seed("only " + requests + " requests were sent"));
        assertTrue(
                replies.getOrDefault("ack", 0) > 100 && replies.getOrDefault("BAD_REQUEST", 0) > 1000,
                seed("the frames hardly reached the handlers: " + replies));
        assertNoViolations();

        awaitNoConnections();
        PodMemory oneAfter = PodMemory.of(PODS.first().pid());
        PodMemory twoAfter = PodMemory.of(PODS.second().pid());
        System.out.println(
                "fuzz memory: pod one " + oneBefore + " -> " + oneAfter + "; pod two " + twoBefore + " -> " + twoAfter);
        assertNearStart("pod one", oneBefore, oneAfter);
        assertNearStart("pod two", twoBefore, twoAfter);
    }

    private static void awaitNoConnections() {
        for (Pod pod : List.of(PODS.first(), PODS.second())) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Metrics.value(pod.management(), "roomcast_connections") == 0);
        }
    }

    /** Every fuzzing user owns a chat room, so that valid chat frames have somewhere to go. */
    private static List<String> chatRoomsOfTheUsers() {
        List<String> rooms = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            rooms.add(ChatFixtures.room(pod(i).base(), user(i), "fuzz"));
        }
        return rooms;
    }

    private int fuzzFrames(List<String> chatRooms, long seed, int users, int framesPerUser) throws Exception {
        ExecutorService connections = Executors.newFixedThreadPool(users);
        AtomicInteger sent = new AtomicInteger();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int user = i;
                running.add(
                        connections.submit(() -> fuzzConnection(user, chatRooms.get(user), seed, framesPerUser, sent)));
            }
            for (Future<?> connection : running) {
                connection.get(5, TimeUnit.MINUTES);
            }
        } finally {
            connections.shutdownNow();
        }
        return sent.get();
    }

    private void fuzzConnection(int user, String chatRoom, long seed, int frames, AtomicInteger sent) {
        FrameFuzzer fuzzer = new FrameFuzzer(
                seed * 31 + user,
                "live:fuzz-" + user % 5,
                chatRoom,
                Tokens.user(user(user)),
                Tokens.user(user((user + 1) % USERS)));
        Pod pod = pod(user);
        long started = System.nanoTime();
        WsClient client = connect(pod, user, fuzzer);
        Set<String> answered = new HashSet<>();
        try {
            for (int n = 0; n < frames; n++) {
                if (client.isClosed()) {
                    closedWith(client, user);
                    checkLeftovers(client, answered, user);
                    client = connect(pod, user, fuzzer);
                    answered.clear();
                }
                FrameFuzzer.Frame frame = fuzzer.next();
                client.sendIfOpen(frame.text());
                sent.incrementAndGet();
                if (frame.id() != null) {
                    JsonNode reply = client.awaitReplyUnlessClosed(frame.id());
                    if (reply != null) {
                        answered.add(frame.id());
                        checkReply(reply, frame, user, fuzzer);
                    }
                }
                long due = started + (n + 1) * FRAME_INTERVAL_NANOS;
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                }
            }
            if (!client.isClosed()) {
                client.sendIfOpen("{\"event\":\"ping\",\"id\":\"last\"}");
                JsonNode pong = client.awaitReplyUnlessClosed("last");
                if (pong != null && !"pong".equals(pong.path("event").asText())) {
                    violations.add(seed("user " + user + ": the last ping got " + pong));
                }
            }
            checkLeftovers(client, answered, user);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable failure) {
            violations.add(seed("user " + user + ": " + failure));
        } finally {
            client.close();
        }
    }

    /** Most sockets authenticate at the handshake; one in five by first message, after some frames before it. */
    private WsClient connect(Pod pod, int user, FrameFuzzer fuzzer) {
        if (user % 5 != 0) {
            return WsClient.withBearer(pod.base(), Tokens.user(user(user)));
        }
        WsClient client = WsClient.open(pod.base());
        for (int i = 0; i < 3; i++) {
            client.sendIfOpen(fuzzer.next().text()); // before authentication: AUTH_REQUIRED or BAD_REQUEST
        }
        if (!client.isClosed()) {
            client.send(WsClient.frame("authenticate", null, Map.of("token", Tokens.user(user(user)))));
        }
        return client;
    }

    private void checkReply(JsonNode reply, FrameFuzzer.Frame frame, int user, FrameFuzzer fuzzer) {
        String event = reply.path("event").asText();
        replies.merge("error".equals(event) ? reply.path("data").path("code").asText() : event, 1, Integer::sum);
        switch (event) {
            case "ack" -> {
                JsonNode message = reply.path("data").path("message");
                if (message.has("id")) {
                    fuzzer.messageSeen(message.path("id").asLong());
                }
            }
            case "error" -> checkError(reply, user, frame.text());
            case "pong", "connected" -> {}
            default ->
                violations.add(seed(
                        "user " + user + ": a reply that is no reply: " + reply + " to " + abbreviate(frame.text())));
        }
    }

    private void checkError(JsonNode error, int user, String cause) {
        String code = error.path("data").path("code").asText();
        if (!ERROR_CODES.contains(code)) {
            violations.add(seed("user " + user + ": error " + code + " for " + abbreviate(cause) + ": " + error));
        }
    }

    /** What arrived besides the replies: no second reply to an id, no INTERNAL error. */
    private void checkLeftovers(WsClient client, Set<String> answered, int user) {
        for (JsonNode frame : client.drain()) {
            String id = frame.path("id").asText(null);
            if (id != null && answered.contains(id)) {
                violations.add(seed("user " + user + ": id " + id + " answered twice: " + frame));
            }
            if ("error".equals(frame.path("event").asText())) {
                checkError(frame, user, "a frame without id");
            }
        }
    }

    private void closedWith(WsClient client, int user) {
        Integer code = client.closeCodeNow();
        closes.merge(String.valueOf(code), 1, Integer::sum);
        if (code == null || !DOCUMENTED_CLOSES.contains(code)) {
            violations.add(
                    seed("user " + user + ": closed with " + code + ", which PROTOCOL.md does not list for bad input"));
        }
    }

    private int fuzzRequests(List<String> chatRooms, long seed, int count) throws Exception {
        JsonNode openApi =
                WsClient.JSON.readTree(given().baseUri(PODS.first().base().toString())
                        .accept(ContentType.JSON)
                        .get("/q/openapi?format=json")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(Tokens.user(user(i)));
        }
        RestFuzzer.Credentials credentials = new RestFuzzer.Credentials(
                users,
                Tokens.admin("fuzz-admin"),
                List.of(
                        "garbage",
                        Tokens.expiringAt("fuzz-expired", Instant.now().minusSeconds(3600)),
                        Tokens.custom(claims -> claims.subject("line\nbreak"))));
        RestFuzzer fuzzer = new RestFuzzer(seed, openApi, credentials, chatRooms);
        assertTrue(fuzzer.operations().size() >= 15, seed("the OpenAPI document lists " + fuzzer.operations()));
        // HTTP/1.1, as the ingress speaks to the pods (the JDK client would otherwise upgrade to cleartext HTTP/2).
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                RestFuzzer.Generated generated = fuzzer.next(
                        i % 2 == 0 ? PODS.first().base() : PODS.second().base());
                sent.add(senders.submit(() -> {
                    try {
                        HttpClient client = overTheLineLimit(generated.request()) ? oneShotClient() : http;
                        HttpResponse<String> response = client.send(
                                generated.request(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                        checkResponse(generated.description(), response);
                    } catch (IOException failure) {
                        violations.add(seed("no answer (" + failure + ") to " + generated.description()));
                    }
                    return null;
                }));
            }
            for (Future<?> request : sent) {
                request.get(2, TimeUnit.MINUTES);
            }
        } finally {
            senders.shutdownNow();
        }
        return count;
    }

    /**
     * Whether the request line may exceed {@code quarkus.http.limits.max-initial-line-length} (4096). Vert.x's codec
     * answers such a request with an HTTP/1.0 414 and closes the connection, which is HTTP/1.1's meaning of a 1.0
     * answer (RFC 9112, 9.3); the JDK's client ignores the version and pools the connection, so that the next request
     * it sends there gets no answer. Such requests go over a connection of their own.
     */
    private static boolean overTheLineLimit(HttpRequest request) {
        return request.method().length()
                        + request.uri().getRawPath().length()
                        + Objects.requireNonNullElse(request.uri().getRawQuery(), "")
                                .length()
                > 4096 - 64;
    }

    private static HttpClient oneShotClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private void checkResponse(String request, HttpResponse<String> response) {
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        if (status >= 500) {
            violations.add(seed(status + " for " + request + ": " + abbreviate(response.body())));
            return;
        }
        if (status >= 400 && response.body().startsWith("{")) {
            try {
                String code =
                        WsClient.JSON.readTree(response.body()).path("code").asText(null);
                if (code != null && !ERROR_CODES.contains(code)) {
                    violations.add(seed(status + " " + code + " for " + request));
                }
            } catch (IOException notJson) {
                violations.add(seed(status + " with a body that is not JSON for " + request));
            }
        }
    }

    /**
     * The attack that exhausted a pod's memory: readers that stop reading and keep asking (joins of too many rooms, pings
     * with long ids) are closed with 4008 once what waits for them passes their budget. A pod that has closed such a socket
     * and meets its unread bytes may reset it, so each pod's count of 4008 closes tells, not what the reader finally reads.
     */
    private void stallWhileAsking(int count) throws Exception {
        String longId = "i".repeat(8000);
        Map<Pod, Double> closedBefore =
                Map.of(PODS.first(), closes4008(PODS.first()), PODS.second(), closes4008(PODS.second()));
        ExecutorService stallers = Executors.newFixedThreadPool(count);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Pod pod = i % 2 == 0 ? PODS.first() : PODS.second();
                String user = "fuzz-staller-" + i;
                running.add(stallers.submit(() -> {
                    try (StalledClient staller = StalledClient.connect(pod.base(), Tokens.user(user))) {
                        List<String> rooms = new ArrayList<>();
                        for (int r = 0; r < 500; r++) {
                            rooms.add("live:stall-" + r);
                        }
                        String join = WsClient.frame("join", "j", Map.of("rooms", rooms));
                        for (int n = 0; n < 1500; n++) {
                            staller.send(n % 3 == 0 ? join : "{\"event\":\"ping\",\"id\":\"" + longId + "\"}");
                            if (n % 50 == 49 && closes4008(pod) >= closedBefore.get(pod) + count) {
                                break; // every staller of the phase has been closed: no need to push more
                            }
                        }
                        staller.readAll(Duration.ofSeconds(20));
                    } catch (IllegalStateException reset) {
                        // The pod closed the socket and reset it while the reader was still writing: expected.
                    }
                    return null;
                }));
            }
            for (Future<?> staller : running) {
                staller.get(3, TimeUnit.MINUTES);
            }
        } finally {
            stallers.shutdownNow();
        }
        for (Pod pod : List.of(PODS.first(), PODS.second())) {
            int onThisPod = pod == PODS.first() ? (count + 1) / 2 : count / 2;
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> closes4008(pod) >= closedBefore.get(pod) + onThisPod);
            } catch (ConditionTimeoutException notClosed) {
                violations.add(seed(pod.name() + ": " + (closes4008(pod) - closedBefore.get(pod)) + " of " + onThisPod
                        + " readers that never read while asking were closed with 4008"));
            }
        }
    }

    private static double closes4008(Pod pod) {
        return Metrics.value(pod.management(), "roomcast_closes_total{code=\"4008\"}");
    }

    private void assertNoViolations() {
        List<String> found;
        synchronized (violations) {
            found = List.copyOf(violations);
        }
        assertTrue(
                found.isEmpty(),
                seed(found.size() + " violations, the first: "
                        + found.stream().limit(20).collect(Collectors.joining("\n  ", "\n  ", ""))));
    }

    /**
     * After a full collection the heap holds about what it held before the attack, and the process is about its size
     * then (a JVM keeps the heap it grew, so the resident set may not shrink back to the byte).
     */
    private static void assertNearStart(String pod, PodMemory before, PodMemory after) {
        assertTrue(
                after.heapUsedKiB() <= before.heapUsedKiB() * 5 / 4 + 16 * 1024,
                seed(pod + ": heap after GC " + after + ", before " + before));
        assertTrue(
                after.rssKiB() <= before.rssKiB() * 5 / 4 + 32 * 1024,
                seed(pod + ": resident set " + after + ", before " + before));
    }

    private static Pod pod(int user) {
        return user % 2 == 0 ? PODS.first() : PODS.second();
    }

    private static String user(int n) {
        return "fuzz-user-" + n;
    }

    private static String seed(String message) {
        return "[fuzz seed " + SEED + "] " + message;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...(" + text.length() + " chars)";
    }
}
