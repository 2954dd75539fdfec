package dev.roomcast.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JavaScript client ({@code clients/js}) against two packaged pods on one Redis and PostgreSQL: its tests in
 * {@code clients/js/it} run under Node with the pods, tokens and a chat room passed in the environment, and kill the
 * first pod themselves in the middle of the conversation.
 */
class JsClientIT {

    @RegisterExtension
    static final Pods PODS = Pods.of("js-a", Pod.UNLIMITED_RATES).and("js-b", Pod.UNLIMITED_RATES);

    @Test
    void theClientLosesAPodMidConversationAndEveryMessageArrivesOnceInOrder() throws Exception {
        String room = ChatFixtures.room(PODS.second().base(), "js-alice", "js-kill", "js-bob");
        Map<String, String> environment = Map.of(
                "ROOMCAST_IT_POD_A", websocketBase(PODS.first()),
                "ROOMCAST_IT_POD_A_PID", Long.toString(PODS.first().pid()),
                "ROOMCAST_IT_POD_B", websocketBase(PODS.second()),
                "ROOMCAST_IT_ROOM", room,
                "ROOMCAST_IT_TOKEN_ALICE", Tokens.user("js-alice"),
                "ROOMCAST_IT_TOKEN_BOB", Tokens.user("js-bob"));
        String output = runNode(environment);
        assertTrue(output.contains("# pass 1"), output);
        assertTrue(!PODS.first().isAlive(), "the test killed the first pod");
    }

    private static String websocketBase(Pod pod) {
        return "ws://127.0.0.1:" + pod.base().getPort();
    }

    /** Runs {@code scripts/js-test it}; its whole output is the failure message when it fails. */
    private static String runNode(Map<String, String> environment) throws IOException, InterruptedException {
        Path log = Files.createTempFile("js-client-it", ".log");
        ProcessBuilder node = new ProcessBuilder("scripts/js-test", "it")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        node.environment().putAll(environment);
        Process process = node.start();
        boolean ended = process.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(ended, "the Node tests took over 3 minutes:\n" + output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
