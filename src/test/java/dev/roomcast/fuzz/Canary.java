package dev.roomcast.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Tokens;
import dev.roomcast.testing.WsClient;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A well-behaved client pair on two pods, working while the pods are under attack: a chat message from one pod must
 * reach the other, and a publish back, round after round. Each round is a few hundred milliseconds apart; anything that
 * goes wrong is reported once and ends the canary.
 */
final class Canary implements Runnable, AutoCloseable {

    private final Pod first;
    private final Pod second;
    private final Consumer<String> violations;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger rounds = new AtomicInteger();
    private final Thread thread = new Thread(this, "canary");

    Canary(Pod first, Pod second, Consumer<String> violations) {
        this.first = first;
        this.second = second;
        this.violations = violations;
    }

    Canary start() {
        thread.start();
        return this;
    }

    int rounds() {
        return rounds.get();
    }

    @Override
    public void run() {
        String room = ChatFixtures.room(first.base(), "canary-alice", "canary", "canary-bob");
        String live = "live:canary-" + System.nanoTime();
        try (WsClient alice = WsClient.withBearer(first.base(), Tokens.user("canary-alice"));
                WsClient bob = WsClient.withBearer(second.base(), Tokens.user("canary-bob"))) {
            alice.join(room, live);
            bob.join(room, live);
            while (running.get()) {
                int round = rounds.get();
                String text = "round " + round;
                JsonNode ack = alice.request(
                        "message.send", Map.of("room", room, "text", text, "clientMsgId", "canary-" + round));
                if (!"ack".equals(ack.path("event").asText())) {
                    throw new AssertionError("message.send refused: " + ack);
                }
                bob.awaitFrame(
                        frame -> "message.created".equals(frame.path("event").asText())
                                && text.equals(frame.path("data")
                                        .path("message")
                                        .path("text")
                                        .asText()),
                        "round " + round + " on the other pod");
                JsonNode published = bob.request(
                        "publish", Map.of("room", live, "event", "canary.back", "data", Map.of("round", round)));
                if (!"ack".equals(published.path("event").asText())) {
                    throw new AssertionError("publish refused: " + published);
                }
                alice.awaitFrame(
                        frame -> "canary.back".equals(frame.path("event").asText())
                                && frame.path("data").path("round").asInt() == round,
                        "the publish back of round " + round);
                alice.drain(); // what else arrived (emits of the fuzz) is not the canary's business
                bob.drain();
                rounds.incrementAndGet();
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable failure) {
            violations.accept("the canary failed in round " + rounds.get() + ": " + failure);
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
