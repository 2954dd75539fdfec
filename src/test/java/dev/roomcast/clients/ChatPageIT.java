package dev.roomcast.clients;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.LocalServices;
import dev.roomcast.testing.Pod;
import dev.roomcast.testing.Pods;
import dev.roomcast.testing.Tokens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat page served at {@code /} by two packaged pods, driven in Debian's headless Chromium
 * ({@code clients/js/e2e}, puppeteer-core with the browser's path set: nothing is downloaded). The suite creates its
 * rooms over REST, opens one page per user with the token in the URL fragment (production builds have no
 * development sign-in), kills the first pod itself, and saves screenshots under {@code target/e2e}.
 */
class ChatPageIT {

    /**
     * The second pod lets any page on 127.0.0.1 frame the chat page, as an operator adds an embedding application, so
     * that the suite can check that such an embedder still cannot hand over a token by postMessage; the first keeps
     * the default, which lets no other origin frame it at all.
     */
    private static final Map<String, String> EMBEDDABLE = Pod.with(
            Pod.UNLIMITED_RATES,
            "quarkus.http.header.\"Content-Security-Policy\".value",
            "frame-ancestors 'self' http://127.0.0.1:*");

    @RegisterExtension
    static final Pods PODS = Pods.of("page-a", Pod.UNLIMITED_RATES).and("page-b", EMBEDDABLE);

    @Test
    void thePageChatsAcrossPodsSurvivesAPodDeathAndFallsBackToSse() throws Exception {
        Map<String, String> environment = Map.of(
                "ROOMCAST_E2E_POD_A", NodeSuite.httpBase(PODS.first()),
                "ROOMCAST_E2E_POD_A_PID", Long.toString(PODS.first().pid()),
                "ROOMCAST_E2E_POD_B", NodeSuite.httpBase(PODS.second()),
                "ROOMCAST_E2E_TOKEN_ALICE", Tokens.user("page-alice"),
                "ROOMCAST_E2E_TOKEN_BOB", Tokens.user("page-bob"),
                "ROOMCAST_E2E_TOKEN_CAROL", Tokens.user("page-carol"),
                "ROOMCAST_E2E_SCREENSHOTS",
                        LocalServices.projectDir().resolve("target/e2e").toString());
        String output = NodeSuite.run("browser", environment, 6);
        assertTrue(output.contains("# fail 0"), output);
        assertFalse(output.contains("# pass 0"), output);
        assertFalse(PODS.first().isAlive(), "the suite killed the first pod");
    }
}
