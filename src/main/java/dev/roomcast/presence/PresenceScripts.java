package dev.roomcast.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of Redis presence. Each touches the keys of one hash slot only, passed as {@code KEYS}, so they run
 * on one Redis and on a Redis Cluster alike ({@link dev.roomcast.protocol.Channels} groups the keys by hash tag).
 * Each runs atomically, so a count and the announcement of its change (published from inside the script, to the
 * room's channel, which shares the room keys' slot) happen together: every pod sees a user's joins and leaves of a
 * room in the order the counts changed, and exactly once, whichever pods the user's clients are on.
 * <p>
 * A room: {@code KEYS[1]} clients per user across the cluster, {@code KEYS[2]} since when, {@code KEYS[3]} one pod's
 * share (clients per user on that pod). A pod's changes move its share and the total together, so a dead pod's share
 * can be taken back exactly. A user: one hash, {@code clients} in total, {@code pod:<serverId>} per pod, {@code seen}
 * when the last one left. Leases: {@code KEYS[1]} each pod's deadline (Redis clock, ms), {@code KEYS[2]} the
 * retirements under way (pod to the deadline of the claim).
 * <p>
 * Announcements are bodies a pod signed ({@code roomcast.cluster.secret}), passed in by the caller: Redis never holds
 * the secret, and a script publishes the body that fits the change it made ({@code presence.join} when a user's total
 * in a room leaves zero, {@code presence.leave} when it reaches zero), with {@code PUBLISH} on one Redis and
 * {@code SPUBLISH} on a cluster (the room channel is a shard channel there).
 */
final class PresenceScripts {

    private static final String ROOM = """
            -- Moves one pod's count of a user in a room by delta (never below zero) and the room's total with it;
            -- publishes the join body when the user's total leaves zero, the leave body when it reaches zero.
            local function apply(user, delta, now, command, channel, joinBody, leaveBody)
              local before = tonumber(redis.call('HGET', KEYS[3], user) or '0')
              local after = math.max(0, before + delta)
              local applied = after - before
              if applied == 0 then return end
              if after == 0 then redis.call('HDEL', KEYS[3], user) else redis.call('HSET', KEYS[3], user, after) end
              local total = redis.call('HINCRBY', KEYS[1], user, applied)
              if total <= 0 then
                redis.call('HDEL', KEYS[1], user)
                redis.call('HDEL', KEYS[2], user)
                if leaveBody and leaveBody ~= '' then redis.call(command, channel, leaveBody) end
              elseif total == applied then
                redis.call('HSET', KEYS[2], user, now)
                if joinBody and joinBody ~= '' then redis.call(command, channel, joinBody) end
              end
            end
            local now, command, channel = ARGV[1], ARGV[2], ARGV[3]
            """;

    private static final String USER = """
            -- Moves one pod's count of a user's clients by delta (never below zero) and the user's total with it;
            -- remembers when the total reaches zero.
            local function apply(server, delta, now)
              local field = 'pod:' .. server
              local before = tonumber(redis.call('HGET', KEYS[1], field) or '0')
              local after = math.max(0, before + delta)
              local applied = after - before
              if applied == 0 then return end
              if after == 0 then redis.call('HDEL', KEYS[1], field) else redis.call('HSET', KEYS[1], field, after) end
              local total = redis.call('HINCRBY', KEYS[1], 'clients', applied)
              if total <= 0 then
                redis.call('HDEL', KEYS[1], 'clients')
                redis.call('HSET', KEYS[1], 'seen', now)
              end
            end
            local now, server = ARGV[1], ARGV[2]
            """;

    private static final String LEASES = """
            local function millis()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /** ARGV: now, command, channel, then (user, delta, body): the join body with a positive delta, else the leave body. */
    static final Script ROOM_CHANGE = new Script(ROOM + """
            for i = 4, #ARGV, 3 do
              local delta, body = tonumber(ARGV[i + 1]), ARGV[i + 2]
              apply(ARGV[i], delta, now, command, channel, delta > 0 and body or nil, delta < 0 and body or nil)
            end
            return 1
            """);

    /**
     * ARGV: now, command, channel, then (user, count, join body, leave body) for every user the pod has in the room
     * and every one its share in Redis holds (count 0: gone). Sets the share to the counts, announcing real changes.
     */
    static final Script ROOM_SYNC = new Script(ROOM + """
            for i = 4, #ARGV, 4 do
              local user = ARGV[i]
              local current = tonumber(redis.call('HGET', KEYS[3], user) or '0')
              apply(user, tonumber(ARGV[i + 1]) - current, now, command, channel, ARGV[i + 2], ARGV[i + 3])
            end
            return 1
            """);

    /** ARGV: now, command, channel, then (user, leave body). Takes a pod's whole share of a room back. */
    static final Script ROOM_RETIRE = new Script(ROOM + """
            local leaves = {}
            for i = 4, #ARGV, 2 do leaves[ARGV[i]] = ARGV[i + 1] end
            local share = redis.call('HGETALL', KEYS[3])
            for i = 1, #share, 2 do
              apply(share[i], -tonumber(share[i + 1]), now, command, channel, nil, leaves[share[i]])
            end
            redis.call('DEL', KEYS[3])
            return 1
            """);

    /** KEYS: the room's totals and since. (user, clients, since) repeated. */
    static final Script ROOM_USERS = new Script("""
            local counts = redis.call('HGETALL', KEYS[1])
            local result = {}
            for i = 1, #counts, 2 do
              table.insert(result, counts[i])
              table.insert(result, counts[i + 1])
              table.insert(result, redis.call('HGET', KEYS[2], counts[i]) or '')
            end
            return result
            """);

    /** ARGV: now, server, delta. */
    static final Script USER_CHANGE = new Script(USER + """
            apply(server, tonumber(ARGV[3]), now)
            return 1
            """);

    /** ARGV: now, server, count. Sets the pod's count of the user's clients. */
    static final Script USER_SYNC = new Script(USER + """
            apply(server, tonumber(ARGV[3]) - tonumber(redis.call('HGET', KEYS[1], 'pod:' .. server) or '0'), now)
            return 1
            """);

    /** ARGV: now, server. Takes a pod's count of the user's clients back. */
    static final Script USER_RETIRE = new Script(USER + """
            apply(server, -tonumber(redis.call('HGET', KEYS[1], 'pod:' .. server) or '0'), now)
            return 1
            """);

    /** ARGV: now, server, max. Counts one more client of the user for the pod unless the user holds max: 1, else 0. */
    static final Script USER_ADMIT = new Script(USER + """
            if tonumber(redis.call('HGET', KEYS[1], 'clients') or '0') >= tonumber(ARGV[3]) then return 0 end
            apply(server, 1, now)
            return 1
            """);

    /** (clients, lastSeen or ''). */
    static final Script USER_READ = new Script("""
            return {redis.call('HGET', KEYS[1], 'clients') or '0', redis.call('HGET', KEYS[1], 'seen') or ''}
            """);

    /**
     * KEYS: leases, retirements. ARGV: server, ttl (ms). Renews this pod's lease, unless another pod is retiring it.
     * Answers {0: renewed; 1: this pod held no live lease (first tick, or it expired: the others may have taken its
     * clients out), it must sync; 2: another pod is retiring it, it must wait; the pods whose lease expired and whom
     * nobody is retiring}.
     */
    static final Script TICK = new Script(LEASES + """
            local server = ARGV[1]
            local clock = millis()
            local claim = redis.call('ZSCORE', KEYS[2], server)
            if claim and tonumber(claim) > clock then return {2, {}} end
            if claim then redis.call('ZREM', KEYS[2], server) end
            local deadline = redis.call('ZSCORE', KEYS[1], server)
            local fresh = (not deadline or tonumber(deadline) <= clock) and 1 or 0
            redis.call('ZADD', KEYS[1], clock + tonumber(ARGV[2]), server)
            local expired = {}
            for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', clock)) do
              local otherClaim = redis.call('ZSCORE', KEYS[2], other)
              if other ~= server and (not otherClaim or tonumber(otherClaim) <= clock) then
                table.insert(expired, other)
              end
            end
            return {fresh, expired}
            """);

    /**
     * KEYS: leases, retirements. ARGV: server, only if expired (1 or 0), claim (ms). Claims the retirement of a pod, for
     * one retirer at a time: 1 claimed, 0 not (its lease is live, or someone else is retiring it). A claim whose
     * retirer died expires, and the pod counts as expired again.
     */
    static final Script CLAIM = new Script(LEASES + """
            local clock = millis()
            local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if ARGV[2] == '1' and (not deadline or tonumber(deadline) > clock) then return 0 end
            local claim = redis.call('ZSCORE', KEYS[2], ARGV[1])
            if claim and tonumber(claim) > clock then return 0 end
            redis.call('ZADD', KEYS[2], clock + tonumber(ARGV[3]), ARGV[1])
            return 1
            """);

    /** KEYS: nodes. ARGV: server, figures (JSON). This pod's figures for the nodes listing. */
    static final Script NODE_WRITE = new Script("""
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """);

    /**
     * KEYS: nodes, leases. The figures of every pod whose lease is live; those of the others are deleted (a dead pod's
     * lease expires within the presence TTL).
     */
    static final Script NODES_READ = new Script(LEASES + """
            local clock = millis()
            local live = {}
            local fields = redis.call('HGETALL', KEYS[1])
            for i = 1, #fields, 2 do
              local deadline = redis.call('ZSCORE', KEYS[2], fields[i])
              if deadline and tonumber(deadline) > clock then
                table.insert(live, fields[i + 1])
              else
                redis.call('HDEL', KEYS[1], fields[i])
              end
            end
            return live
            """);

    /** KEYS: leases, retirements. ARGV: server. Forgets a retired pod. */
    static final Script RELEASE = new Script("""
            redis.call('ZREM', KEYS[1], ARGV[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """);

    private PresenceScripts() {}

    /** Redis answers NOSCRIPT to EVALSHA for a script it has not seen since it started. */
    static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    /** A script's text and its SHA-1, by which Redis runs it once it has seen it. */
    record Script(String text, String sha) {

        Script(String text) {
            this(text, sha1(text));
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
