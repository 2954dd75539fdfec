package dev.roomcast.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.roomcast.testing.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the JavaScript suites of {@code clients/js} ({@code scripts/js-test it} or {@code browser}) with the
 * pods and tokens passed in the environment; the suite's whole output is the failure message when it fails.
 */
final class NodeSuite {

    private NodeSuite() {}

    static String run(String suite, Map<String, String> environment, int timeoutMinutes)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("js-" + suite, ".log");
        ProcessBuilder node = new ProcessBuilder("scripts/js-test", suite)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        node.environment().putAll(environment);
        Process process = node.start();
        boolean ended = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertTrue(ended, "the Node suite " + suite + " took over " + timeoutMinutes + " minutes:\n" + output);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    static String httpBase(Pod pod) {
        return "http://127.0.0.1:" + pod.base().getPort();
    }
}
