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
 * {@code clients/js/it} run under Node with the pods, tokens and chat rooms passed in the environment, one file at a
 * time: two clients with {@code encryption: true} chat across the pods (Node's WebCrypto against the server), then a
 * conversation loses the first pod, which the test kills itself.
 */
class JsClientIT {

    @RegisterExtension
    static final Pods PODS = Pods.of("js-a", Pod.UNLIMITED_RATES).and("js-b", Pod.UNLIMITED_RATES);

    @Test
    void theClientChatsEncryptedAcrossPodsThenLosesAPodAndEveryMessageArrivesOnceInOrder() throws Exception {
        String room = ChatFixtures.room(PODS.second().base(), "js-alice", "js-kill", "js-bob");
        String sealedRoom = ChatFixtures.room(PODS.second().base(), "js-alice", "js-sealed", "js-bob");
        Map<String, String> environment = Map.of(
                "ROOMCAST_IT_POD_A", websocketBase(PODS.first()),
                "ROOMCAST_IT_POD_A_PID", Long.toString(PODS.first().pid()),
                "ROOMCAST_IT_POD_B", websocketBase(PODS.second()),
                "ROOMCAST_IT_ROOM", room,
                "ROOMCAST_IT_ROOM_SEALED", sealedRoom,
                "ROOMCAST_IT_TOKEN_OPS", Tokens.admin("js-ops"),
                "ROOMCAST_IT_TOKEN_ALICE", Tokens.user("js-alice"),
                "ROOMCAST_IT_TOKEN_BOB", Tokens.user("js-bob"));
        String output = NodeSuite.run("it", environment, 3);
        assertTrue(output.contains("# pass 2") && output.contains("# fail 0"), output);
        assertTrue(!PODS.first().isAlive(), "the test killed the first pod");
    }

    private static String websocketBase(Pod pod) {
        return "ws://127.0.0.1:" + pod.base().getPort();
    }
}
