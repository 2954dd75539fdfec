package dev.roomcast.testing;

import java.util.ArrayList;
import java.util.List;

/** Talks to the test Redis with the real {@code redis-cli}: what an operator or an emitter process would do. */
public final class RedisCli {

    private RedisCli() {}

    public static String run(String... args) {
        List<String> command =
                new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", LocalServices.redisPort()));
        command.addAll(List.of(args));
        return Commands.run(command);
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
