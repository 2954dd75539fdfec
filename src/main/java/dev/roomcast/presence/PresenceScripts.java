package dev.roomcast.presence;

import dev.roomcast.protocol.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts of Redis presence. Each runs atomically in Redis, so a count and the announcement of its change
 * ({@code PUBLISH} from inside the script) happen together: every pod sees a user's joins and leaves of a room in the
 * order the counts changed, and exactly once, whichever pods the user's clients are on.
 * <p>
 * Data: {@code presence:pods} holds each pod's lease deadline (Redis clock, ms); {@code presence:pod:{serverId}} the
 * pod's own counts, fields {@code r|room|user} and {@code u|user}; {@code presence:room:{room}} and
 * {@code presence:since:{room}} the cluster's clients per user and since when; {@code presence:users} and
 * {@code presence:seen} the same per user. A pod's counts are applied as deltas to the totals, so a dead pod's share
 * can be taken back exactly. The scripts name keys the caller does not pass: fine for one Redis (or a primary with
 * replicas), not for Redis Cluster.
 * <p>
 * Announcements are bodies a pod signed ({@code roomcast.cluster.secret}), passed in by the caller: Redis never holds
 * the secret, and a script publishes the body that fits the change it made ({@code presence.join} when a user's total
 * in a room leaves zero, {@code presence.leave} when it reaches zero).
 */
final class PresenceScripts {

    private static final String COMMON = """
            -- Moves one of a pod's counts by delta (never below zero) and the cluster's total with it; publishes the
            -- given join body when a user's total in a room leaves zero, the leave body when it reaches zero.
            local function apply(podKey, kind, room, user, delta, now, joinBody, leaveBody)
              local field = kind == 'r' and ('r|' .. room .. '|' .. user) or ('u|' .. user)
              local before = tonumber(redis.call('HGET', podKey, field) or '0')
              local after = math.max(0, before + delta)
              local applied = after - before
              if applied == 0 then return end
              if after == 0 then redis.call('HDEL', podKey, field) else redis.call('HSET', podKey, field, after) end
              if kind == 'r' then
                local total = redis.call('HINCRBY', ROOM .. room, user, applied)
                if total <= 0 then
                  redis.call('HDEL', ROOM .. room, user)
                  redis.call('HDEL', SINCE .. room, user)
                  if leaveBody and leaveBody ~= '' then redis.call('PUBLISH', CHANNEL .. room, leaveBody) end
                elseif total == applied then
                  redis.call('HSET', SINCE .. room, user, now)
                  if joinBody and joinBody ~= '' then redis.call('PUBLISH', CHANNEL .. room, joinBody) end
                end
              else
                local total = redis.call('HINCRBY', USERS, user, applied)
                if total <= 0 then
                  redis.call('HDEL', USERS, user)
                  redis.call('HSET', SEEN, user, now)
                end
              end
            end
            local function parse(field)
              if string.sub(field, 1, 2) == 'u|' then return 'u', '', string.sub(field, 3) end
              local room, user = string.match(field, '^r|([^|]*)|(.*)$')
              return 'r', room, user
            end
            local function millis()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /**
     * ARGV: server, now (ISO), then (kind, room, user, delta, body) repeated: for a room count the join body when delta is
     * positive, the leave body when negative. 0 when the pod holds no lease: it must sync.
     */
    static final Script CHANGE = new Script("""
            local server, now = ARGV[1], ARGV[2]
            if not redis.call('ZSCORE', PODS, server) then return 0 end
            for i = 3, #ARGV, 5 do
              local delta, body = tonumber(ARGV[i + 3]), ARGV[i + 4]
              apply(POD .. server, ARGV[i], ARGV[i + 1], ARGV[i + 2], delta, now, delta > 0 and body or nil,
                delta < 0 and body or nil)
            end
            return 1
            """);

    /**
     * ARGV: server, now (ISO), user, max, the user's connections on this pod. Counts one more connection of the user for
     * this pod if the user holds fewer than max across the cluster: 1 counted, 0 refused. -1: allowed but not counted,
     * because the pod holds no lease (its share is not in the totals: the caller's own count stands in for it, and its
     * next sync carries the new one).
     */
    static final Script ADMIT = new Script("""
            local server, now, user, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
            local total = tonumber(redis.call('HGET', USERS, user) or '0')
            if not redis.call('ZSCORE', PODS, server) then
              if total + tonumber(ARGV[5]) >= max then return 0 end
              return -1
            end
            if total >= max then return 0 end
            apply(POD .. server, 'u', '', user, 1, now)
            return 1
            """);

    /**
     * ARGV: server, ttl (ms). Renews this pod's lease. Answers {1 when this pod held no lease (first tick, or the others
     * retired it: it must sync), else 0; the pods whose lease expired}.
     */
    static final Script TICK = new Script("""
            local server = ARGV[1]
            local clock = millis()
            local expired = {}
            for _, other in ipairs(redis.call('ZRANGEBYSCORE', PODS, '-inf', clock)) do
              if other ~= server then table.insert(expired, other) end
            end
            return {redis.call('ZADD', PODS, clock + tonumber(ARGV[2]), server), expired}
            """);

    /**
     * ARGV: server, ttl (ms), now (ISO), then (kind, room, user, count, join body, leave body) for every count the pod
     * has now and every one Redis holds for it (count 0: gone). Applies the difference, announcing only real changes.
     */
    static final Script SYNC = new Script("""
            local server, now = ARGV[1], ARGV[3]
            redis.call('ZADD', PODS, millis() + tonumber(ARGV[2]), server)
            local podKey = POD .. server
            local wanted, joins, leaves = {}, {}, {}
            for i = 4, #ARGV, 6 do
              local field = ARGV[i] == 'r' and ('r|' .. ARGV[i + 1] .. '|' .. ARGV[i + 2]) or ('u|' .. ARGV[i + 2])
              wanted[field] = tonumber(ARGV[i + 3])
              joins[field] = ARGV[i + 4]
              leaves[field] = ARGV[i + 5]
            end
            local current = redis.call('HGETALL', podKey)
            local seen = {}
            for i = 1, #current, 2 do
              local field = current[i]
              local kind, room, user = parse(field)
              apply(podKey, kind, room, user, (wanted[field] or 0) - tonumber(current[i + 1]), now, joins[field],
                leaves[field])
              seen[field] = true
            end
            for field, count in pairs(wanted) do
              if not seen[field] and count > 0 then
                local kind, room, user = parse(field)
                apply(podKey, kind, room, user, count, now, joins[field], leaves[field])
              end
            end
            return 1
            """);

    /**
     * ARGV: server, now (ISO), only if expired (1 or 0), then (field, leave body) for the pod's room counts. Takes a pod's
     * whole share back (its clients are gone) and forgets the pod: a pod stopping, or one whose lease expired (then
     * only if it still has, since the caller read its counts). 1 when retired.
     */
    static final Script RETIRE = new Script("""
            local server, now = ARGV[1], ARGV[2]
            local deadline = redis.call('ZSCORE', PODS, server)
            if ARGV[3] == '1' and (not deadline or tonumber(deadline) > millis()) then return 0 end
            local leaves = {}
            for i = 4, #ARGV, 2 do leaves[ARGV[i]] = ARGV[i + 1] end
            local podKey = POD .. server
            local entries = redis.call('HGETALL', podKey)
            for i = 1, #entries, 2 do
              local kind, room, user = parse(entries[i])
              apply(podKey, kind, room, user, -tonumber(entries[i + 1]), now, nil, leaves[entries[i]])
            end
            redis.call('DEL', podKey)
            redis.call('ZREM', PODS, server)
            return 1
            """);

    /** ARGV: room. (user, clients, since) repeated. */
    static final Script ROOM_USERS = new Script("""
            local counts = redis.call('HGETALL', ROOM .. ARGV[1])
            local result = {}
            for i = 1, #counts, 2 do
              table.insert(result, counts[i])
              table.insert(result, counts[i + 1])
              table.insert(result, redis.call('HGET', SINCE .. ARGV[1], counts[i]) or '')
            end
            return result
            """);

    /** ARGV: user. (clients, lastSeen or ''). */
    static final Script USER = new Script("""
            return {redis.call('HGET', USERS, ARGV[1]) or '0', redis.call('HGET', SEEN, ARGV[1]) or ''}
            """);

    private PresenceScripts() {}

    /** Redis answers NOSCRIPT to EVALSHA for a script it has not seen since it started. */
    static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String lua(String text) {
        return "local PODS, POD, ROOM, SINCE, USERS, SEEN, CHANNEL = "
                + String.join(
                        ", ",
                        List.of(
                                quote(Channels.PRESENCE_PODS),
                                quote(Channels.PRESENCE_POD_PREFIX),
                                quote(Channels.PRESENCE_ROOM_PREFIX),
                                quote(Channels.PRESENCE_SINCE_PREFIX),
                                quote(Channels.PRESENCE_USERS),
                                quote(Channels.PRESENCE_SEEN),
                                quote(Channels.ROOM_PREFIX)))
                + "\n" + COMMON + text;
    }

    private static String quote(String constant) {
        return "'" + constant + "'";
    }

    /** A script's text and its SHA-1, by which Redis runs it once it has seen it. */
    record Script(String text, String sha) {

        Script(String body) {
            this(lua(body), sha1(lua(body)));
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
