package dev.roomcast.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import dev.roomcast.broker.Channels;

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
 */
final class PresenceScripts {

    private static final String COMMON = """
            local function publish(room, event, user)
              redis.call('PUBLISH', CHANNEL .. room, cjson.encode({serverId = SERVER, type = 'room', target = room,
                event = event, data = {userId = user}}))
            end
            -- Moves one of a pod's counts by delta (never below zero) and the cluster's total with it; announces a
            -- user's first client in a room and the last one leaving it.
            local function apply(podKey, kind, room, user, delta, now)
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
                  publish(room, 'presence.leave', user)
                elseif total == applied then
                  redis.call('HSET', SINCE .. room, user, now)
                  publish(room, 'presence.join', user)
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
            -- Takes a pod's whole share back (its clients are gone) and forgets the pod.
            local function retire(server, now)
              local podKey = POD .. server
              local entries = redis.call('HGETALL', podKey)
              for i = 1, #entries, 2 do
                local kind, room, user = parse(entries[i])
                apply(podKey, kind, room, user, -tonumber(entries[i + 1]), now)
              end
              redis.call('DEL', podKey)
              redis.call('ZREM', PODS, server)
            end
            local function millis()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    /** ARGV: server, now (ISO), then (kind, room, user, delta) repeated. 0 when the pod holds no lease: sync. */
    static final Script CHANGE = new Script("""
            local server, now = ARGV[1], ARGV[2]
            if not redis.call('ZSCORE', PODS, server) then return 0 end
            for i = 3, #ARGV, 4 do
              apply(POD .. server, ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3]), now)
            end
            return 1
            """);

    /**
     * ARGV: server, ttl (ms), now (ISO). Retires every other pod whose lease expired, then renews this pod's. 1 when
     * this pod held no lease (first tick, or the others retired it): it must sync.
     */
    static final Script TICK = new Script("""
            local server, now = ARGV[1], ARGV[3]
            local clock = millis()
            for _, other in ipairs(redis.call('ZRANGEBYSCORE', PODS, '-inf', clock)) do
              if other ~= server then retire(other, now) end
            end
            return redis.call('ZADD', PODS, clock + tonumber(ARGV[2]), server)
            """);

    /** ARGV: server, ttl (ms), now (ISO), then (kind, room, user, count) for every count the pod has now. */
    static final Script SYNC = new Script("""
            local server, now = ARGV[1], ARGV[3]
            redis.call('ZADD', PODS, millis() + tonumber(ARGV[2]), server)
            local podKey = POD .. server
            local wanted = {}
            for i = 4, #ARGV, 4 do
              local field = ARGV[i] == 'r' and ('r|' .. ARGV[i + 1] .. '|' .. ARGV[i + 2]) or ('u|' .. ARGV[i + 2])
              wanted[field] = tonumber(ARGV[i + 3])
            end
            local current = redis.call('HGETALL', podKey)
            for i = 1, #current, 2 do
              local kind, room, user = parse(current[i])
              apply(podKey, kind, room, user, (wanted[current[i]] or 0) - tonumber(current[i + 1]), now)
              wanted[current[i]] = nil
            end
            for field, count in pairs(wanted) do
              local kind, room, user = parse(field)
              apply(podKey, kind, room, user, count, now)
            end
            return 1
            """);

    /** ARGV: server, now (ISO). A pod stopping takes its share back at once rather than at its lease's end. */
    static final Script RETIRE = new Script("""
            retire(ARGV[1], ARGV[2])
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

    private PresenceScripts() {
    }

    /** Redis answers NOSCRIPT to EVALSHA for a script it has not seen since it started. */
    static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String lua(String text) {
        return "local PODS, POD, ROOM, SINCE, USERS, SEEN, CHANNEL, SERVER = " + String.join(", ", List.of(
                quote(Channels.PRESENCE_PODS), quote(Channels.PRESENCE_POD_PREFIX), quote(Channels.PRESENCE_ROOM_PREFIX),
                quote(Channels.PRESENCE_SINCE_PREFIX), quote(Channels.PRESENCE_USERS), quote(Channels.PRESENCE_SEEN),
                quote(Channels.ROOM_PREFIX), quote(PresenceEvents.SERVER_ID))) + "\n" + COMMON + text;
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
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
