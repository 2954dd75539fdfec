package dev.roomcast.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.ChatFixtures;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import java.util.Map;
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
        String output = NodeSuite.run("it", environment, 3);
        assertTrue(output.contains("# pass 1"), output);
        assertTrue(!PODS.first().isAlive(), "the test killed the first pod");
    }

    private static String websocketBase(Pod pod) {
        return "ws://127.0.0.1:" + pod.base().getPort();
    }
}
