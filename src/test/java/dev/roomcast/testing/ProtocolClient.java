package dev.roomcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A client of the protocol for tests, whatever carries it ({@link WsClient}: a WebSocket; {@link SseClient}: an SSE
 * stream and POSTs): frames in, frames out, requests answered by id, the server's close code. Frames are JSON; waits
 * are bounded, never fixed sleeps.
 */
public abstract class ProtocolClient implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);

    /** Frames as they arrive, filled by the transport. */
    protected final LinkedBlockingQueue<JsonNode> incoming = new LinkedBlockingQueue<>();
    /** The server's close code (completed exceptionally when the transport ended without one). */
    protected final CompletableFuture<Integer> closed = new CompletableFuture<>();

    /** The keys of an encrypted session (PROTOCOL.md section 10), or null; used by the transport's reader thread. */
    private volatile SealedFrames sealed;

    private volatile long closedAtNanos;
    private final List<JsonNode> backlog = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    protected volatile JsonNode connected;

    protected ProtocolClient() {
        closed.whenComplete((code, failure) -> closedAtNanos = System.nanoTime());
    }

    /** Sends one text frame (sealed, once the session is encrypted). */
    public abstract ProtocolClient send(String text);

    /**
     * Makes this an encrypted session's client: the first {@code connected} that says {@code encrypted} derives the
     * keys, and every later frame is opened as it arrives (so that waits, requests and close frames read plaintext) and
     * sealed as it leaves. A frame that arrives after it in plaintext, or does not open, arrives as a frame of event
     * {@code <not sealed>} that no test expects. Call before the session opens.
     */
    protected void sealWith(SealedFrames keys) {
        this.sealed = keys;
    }

    /** What goes on the wire for a frame: the frame itself, or its {@code encrypted} frame. */
    protected String outgoing(String text) {
        SealedFrames keys = sealed;
        return keys == null || !keys.agreed() ? text : keys.seal(text);
    }

    /** A frame as it arrived, read as the client sees it: opened when the session is encrypted. */
    protected JsonNode arrived(JsonNode frame) {
        SealedFrames keys = sealed;
        if (keys == null) {
            return frame;
        }
        if (!keys.agreed()) {
            if ("connected".equals(frame.path("event").asText())
                    && frame.path("data").path("encrypted").asBoolean()) {
                keys.connected(frame);
            }
            return frame;
        }
        try {
            return keys.open(frame);
        } catch (RuntimeException | AssertionError e) {
            ObjectNode refused = JSON.createObjectNode().put("event", "<not sealed>");
            refused.put("error", String.valueOf(e.getMessage()));
            refused.set("frame", frame);
            return refused;
        }
    }

    /** Sends frames in order, as the transport batches them best (over SSE, one POST of a JSON array). */
    public ProtocolClient sendAll(List<String> frames) {
        frames.forEach(this::send);
        return this;
    }

    /** Sends unless the server has closed the session meanwhile: for keep-alive loops racing a server close. */
    public abstract void sendIfOpen(String text);

    /** Ends the session from the client's side. */
    @Override
    public abstract void close();

    /** {@link System#nanoTime()} when the server's close arrived (0 while open). */
    public long closedAtNanos() {
        awaitClose();
        return closedAtNanos;
    }

    public String clientId() {
        return connected.path("data").path("id").asText();
    }

    public JsonNode connectedFrame() {
        return connected;
    }

    /** Sends a frame with a fresh id and returns the reply carrying that id. */
    public JsonNode request(String event, Object data) {
        String id = "r" + ids.incrementAndGet();
        send(frame(event, id, data));
        return awaitReply(id);
    }

    /**
     * Sends a frame with a fresh id and returns its reply, sending it again while the answer is {@code RATE_LIMITED}
     * (after the {@code retryAfterMs} the server names): for tests that fill a bucket on purpose before the step they test.
     */
    public JsonNode requestPatiently(String event, Object data) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            JsonNode reply = request(event, data);
            if (!"RATE_LIMITED".equals(reply.path("data").path("code").asText()) || System.nanoTime() > deadline) {
                return reply;
            }
            try {
                Thread.sleep(reply.path("data").path("retryAfterMs").asLong(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Joins and returns the ack, asserting it is one. */
    public JsonNode join(String... rooms) {
        JsonNode reply = request("join", Map.of("rooms", List.of(rooms)));
        assertEquals("ack", reply.path("event").asText(), () -> "join refused: " + reply);
        return reply;
    }

    public static String frame(String event, String id, Object data) {
        ObjectNode frame = JSON.createObjectNode().put("event", event);
        if (id != null) {
            frame.put("id", id);
        }
        if (data != null) {
            frame.set("data", JSON.valueToTree(data));
        }
        return frame.toString();
    }

    public JsonNode awaitReply(String id) {
        return awaitFrame(frame -> id.equals(frame.path("id").asText(null)), "reply to " + id);
    }

    public JsonNode awaitEvent(String event) {
        return awaitFrame(frame -> event.equals(frame.path("event").asText(null)), "event " + event);
    }

    /** The next frame, in arrival order. */
    public JsonNode next() {
        return awaitFrame(frame -> true, "any frame");
    }

    /**
     * Waits for the first frame matching; frames that do not match stay queued, in order, for later waits.
     */
    public JsonNode awaitFrame(Predicate<JsonNode> matcher, String what) {
        for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (matcher.test(frame)) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame;
            try {
                frame = left <= 0 ? null : incoming.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                return fail("no " + what + " within " + WAIT + "; unmatched frames: " + backlog
                        + (closed.isDone() ? "; socket closed with " + closed.getNow(null) : ""));
            }
            if (matcher.test(frame)) {
                return frame;
            }
            backlog.add(frame);
        }
    }

    /**
     * The reply to {@code id}, or null when the server closed the socket before sending one; frames that do not match
     * stay queued, in order.
     */
    public JsonNode awaitReplyUnlessClosed(String id) {
        for (Iterator<JsonNode> it = backlog.iterator(); it.hasNext(); ) {
            JsonNode frame = it.next();
            if (id.equals(frame.path("id").asText(null))) {
                it.remove();
                return frame;
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode frame;
            try {
                frame = incoming.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (frame == null) {
                if (closed.isDone() && incoming.isEmpty()) {
                    return null;
                }
                continue;
            }
            if (id.equals(frame.path("id").asText(null))) {
                return frame;
            }
            backlog.add(frame);
        }
        return fail("no reply to " + id + " within " + WAIT + " and the socket is open");
    }

    /** The server's close code, or null while the socket is open (or it ended without a close frame: -1). */
    public Integer closeCodeNow() {
        if (!closed.isDone()) {
            return null;
        }
        return closed.isCompletedExceptionally() ? -1 : closed.getNow(-1);
    }

    /** Every frame received and not yet consumed, in order. */
    public List<JsonNode> drain() {
        List<JsonNode> frames = new ArrayList<>(backlog);
        backlog.clear();
        incoming.drainTo(frames);
        return frames;
    }

    /**
     * Proves that nothing matching arrived before a ping's pong: the server writes frames of one connection in
     * order, so anything queued for this socket before the pong would come first.
     */
    public void assertNothingBeforePong(Predicate<JsonNode> unwanted, String what) {
        JsonNode pong = request("ping", null);
        assertEquals("pong", pong.path("event").asText());
        for (JsonNode frame : drain()) {
            if (unwanted.test(frame)) {
                fail("received " + what + ": " + frame);
            }
        }
    }

    /** @return the close code sent by the server */
    public int awaitClose() {
        return awaitClose(WAIT);
    }

    /** @return the close code sent by the server within that long */
    public int awaitClose(Duration within) {
        try {
            return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return fail("socket not closed by the server within " + within + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }
}
