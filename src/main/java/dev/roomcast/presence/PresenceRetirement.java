package dev.roomcast.presence;

import dev.roomcast.protocol.Channels;
import dev.roomcast.protocol.EnvelopeCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Takes a pod's whole share out of presence: a pod stopping, or one whose lease expired. The retirer first claims the
 * pod (one retirer at a time; a claim whose retirer died expires, and the next pod that sees the lease expired takes
 * over), then, for every room and user in the pod's index, takes its share back with a script on that group's slot,
 * announcing with a body signed here each user who leaves a room, then forgets the pod. Every step is idempotent, so a
 * retirement cut short is simply done again. The pod being retired, if it lives, waits until the claim is gone and
 * then syncs from scratch.
 */
final class PresenceRetirement {

    private final PresenceRedis redis;
    private final EnvelopeCodec codec;
    private final long claimMillis;

    PresenceRetirement(PresenceRedis redis, EnvelopeCodec codec, long ttlMillis) {
        this.redis = redis;
        this.codec = codec;
        this.claimMillis = Math.max(30_000, 3 * ttlMillis);
    }

    /** @return whether this call retired the pod (false: its lease is live, or another pod is on it) */
    Uni<Boolean> retire(String server, boolean onlyIfExpired) {
        List<String> leases = List.of(Channels.PRESENCE_PODS, Channels.PRESENCE_RETIRING);
        return redis.run(
                        PresenceScripts.CLAIM,
                        leases,
                        List.of(server, onlyIfExpired ? "1" : "0", Long.toString(claimMillis)))
                .chain(claimed -> claimed.toInteger() == 0
                        ? Uni.createFrom().item(false)
                        : redis.fields(Channels.presenceIndex(server))
                                .chain(fields -> retireGroups(server, fields))
                                .chain(() -> redis.send(Request.cmd(Command.DEL).arg(Channels.presenceIndex(server))))
                                .chain(() -> redis.run(PresenceScripts.RELEASE, leases, List.of(server)))
                                .replaceWith(true));
    }

    private Uni<Void> retireGroups(String server, List<String> fields) {
        List<Supplier<Uni<Void>>> steps = new ArrayList<>(fields.size());
        for (String field : fields) {
            PresenceGroup group = PresenceGroup.parse(field);
            if (group != null) {
                steps.add(() -> group.room() ? retireRoom(server, group) : retireUser(server, group));
            }
        }
        return PresenceRedis.inBatches(steps);
    }

    private Uni<Void> retireRoom(String server, PresenceGroup room) {
        List<String> keys = room.roomKeys(server);
        return redis.fields(keys.get(2)).chain(users -> {
            List<String> args = new ArrayList<>(3 + users.size() * 2);
            args.add(Instant.now().toString());
            args.add(redis.publishCommand());
            args.add(Channels.room(room.name()));
            for (String user : users) {
                args.add(user);
                args.add(codec.encode(PresenceEvents.envelope(room.name(), PresenceEvents.LEAVE, user)));
            }
            return redis.run(PresenceScripts.ROOM_RETIRE, keys, args).replaceWithVoid();
        });
    }

    private Uni<Void> retireUser(String server, PresenceGroup user) {
        return redis.run(
                        PresenceScripts.USER_RETIRE,
                        user.userKeys(),
                        List.of(Instant.now().toString(), server))
                .replaceWithVoid();
    }
}
