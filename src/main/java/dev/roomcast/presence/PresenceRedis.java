package dev.roomcast.presence;

import dev.roomcast.broker.RedisShard;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How Redis presence talks to Redis: its scripts with their keys (so that a cluster connection sends each to the
 * master of its slot), and the few plain commands it needs. Shared by {@link RedisPresence} and
 * {@link PresenceRetirement}.
 */
final class PresenceRedis {

    private static final int BATCH = 1000;

    private final RedisShard shard;

    PresenceRedis(RedisShard shard) {
        this.shard = shard;
    }

    /** The command a script publishes a room announcement with: the room channel is a shard channel on a cluster. */
    String publishCommand() {
        return shard.cluster() ? "SPUBLISH" : "PUBLISH";
    }

    /**
     * Runs a script that writes. Always with its text: a fallback from EVALSHA after a Redis restart would send it
     * after commands that followed it, and the order of changes on the connection is what keeps the counts right.
     */
    Uni<Response> run(PresenceScripts.Script script, List<String> keys, List<String> args) {
        return shard.send(request(Command.EVAL, script.text(), keys, args));
    }

    /** Runs a read by its SHA-1, loading it on first use (or after a Redis restart forgot it). */
    Uni<Response> read(PresenceScripts.Script script, List<String> keys, List<String> args) {
        return shard.send(request(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(PresenceScripts::isNoScript)
                .recoverWithUni(() -> shard.send(request(Command.EVAL, script.text(), keys, args)));
    }

    /** The fields of a hash. */
    Uni<List<String>> fields(String key) {
        return shard.send(Request.cmd(Command.HKEYS).arg(key)).map(found -> {
            List<String> fields = new ArrayList<>(found == null ? 0 : found.size());
            if (found != null) {
                found.forEach(field -> fields.add(field.toString()));
            }
            return fields;
        });
    }

    /**
     * Runs the steps (each sends its commands when called) a thousand at a time, each batch once the one before it
     * is answered: a sync or a retirement of a pod in many rooms never overflows the connection's queue of waiting
     * replies ({@code quarkus.redis.max-waiting-handlers}).
     */
    static Uni<Void> inBatches(List<Supplier<Uni<Void>>> steps) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < steps.size(); from += BATCH) {
            List<Supplier<Uni<Void>>> batch = steps.subList(from, Math.min(steps.size(), from + BATCH));
            chain = chain.chain(() -> all(batch.stream().map(Supplier::get).toList()));
        }
        return chain;
    }

    /** Completes once every step has, or fails with the first failure. */
    static Uni<Void> all(List<Uni<Void>> steps) {
        return steps.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(steps).andFailFast().replaceWithVoid();
    }

    Uni<Response> send(Request request) {
        return shard.send(request);
    }

    private static Request request(Command command, String script, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(script).arg(keys.size());
        for (String key : keys) {
            request.arg(key);
        }
        for (String arg : args) {
            request.arg(arg);
        }
        return request;
    }
}
