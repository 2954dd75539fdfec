package dev.roomcast.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Talks to the test Redis with the real {@code redis-cli}: what an operator or an emitter process would do. */
public final class RedisCli {

    private RedisCli() {
    }

    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", LocalServices.redisPort()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + args[0] + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Subscribers of a channel across the whole Redis server (PUBSUB NUMSUB). */
    public static int subscribers(String channel) {
        String[] lines = run("PUBSUB", "NUMSUB", channel).split("\n");
        return Integer.parseInt(lines[lines.length - 1].trim());
    }

    /** @return how many subscribers received it */
    public static int publish(String channel, String body) {
        return Integer.parseInt(run("PUBLISH", channel, body));
    }
}
