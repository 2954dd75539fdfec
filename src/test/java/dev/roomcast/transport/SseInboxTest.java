package dev.roomcast.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bound on a session's POSTed frames (PROTOCOL.md section 11, 429): while the session's loop is busy, at most
 * {@link SseInbox#MAX_WAITING} frames wait, and a POST that would pass the bound is refused whole.
 */
class SseInboxTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void framesBeyondTheBoundAreRefusedWholeAndNoneIsTakenFromThem() throws Exception {
        Context loop = vertx.getOrCreateContext();
        // No session: the loop is held by this task, so nothing starts, and the inbox is ended before it is let go.
        SseInbox inbox = new SseInbox(null, "alice", null, loop);
        CompletableFuture<List<Boolean>> answers = new CompletableFuture<>();
        loop.runOnContext(ignored -> {
            List<Boolean> taken = new ArrayList<>();
            for (int post = 0; post < 4; post++) {
                taken.add(inbox.offer(Collections.nCopies(20, "{\"event\":\"ping\"}")));
            }
            taken.add(inbox.offer(Collections.nCopies(20, "{\"event\":\"ping\"}")));
            taken.add(inbox.offer(List.of("{\"event\":\"ping\"}")));
            taken.add(inbox.offer(Collections.nCopies(19, "{\"event\":\"ping\"}")));
            inbox.end();
            answers.complete(taken);
        });
        List<Boolean> taken = answers.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(true, true, true, true, true, false, false), taken);
        assertEquals(100, SseInbox.MAX_WAITING);
        assertFalse(inbox.end(), "ends once");
    }
}
