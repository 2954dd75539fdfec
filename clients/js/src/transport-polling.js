import { decodeJwtPayload } from './jwt.js';
import { createCommands } from './polling-commands.js';
import { createFeed } from './polling-feed.js';
import { createRest, isoTime, ok } from './polling-rest.js';
import { createPoller } from './polling-rooms.js';
import { LOST, createSession } from './polling-session.js';
import { httpBaseUrl } from './transport-sse.js';

// The transport is split by job: polling-session.js (timers, frames out, the end), polling-rest.js
// (requests and what their answers mean), polling-feed.js (notifications, membership diffs),
// polling-rooms.js (the poll cycle) and polling-commands.js (client frames over REST). The limits
// live with the code they bound and are exported from here as before.
export { PAGE_LIMIT, MAX_PAGES_PER_POLL, FAILED_CYCLES_BEFORE_LOST } from './polling-rooms.js';
export { MAX_REPLAY, MAX_QUEUED_FRAMES, UNSUPPORTED } from './polling-commands.js';

/** How often the REST API is read when `pollIntervalMs` is not given. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** What `connected` says when the server does not: the silence check pings after twice this. */
const DEFAULT_HEARTBEAT_MS = 30000;

/**
 * The last resort (protocol.md 11.4): no stream at all, only the REST API of protocol.md 8, read
 * at an interval. It has the shape of the WebSocket transport, and plays the server's side of the
 * frames the client sends, so the client runs unchanged on top of it:
 *
 * - Opening reads `GET /api/rooms` and `GET /api/notifications` (this checks the token) and
 *   synthesizes `connected`: `id` `poll-<random>` (no server session exists), `userId` the token's
 *   `sub`, `time` the answer's Date header, `pod` "" (no pod holds the session), `heartbeatMs`.
 *   `heartbeats` is false: there is nothing to keep alive.
 * - Client frames run one at a time, in order, as a server runs a connection's frames: `join` of
 *   `chat:` rooms (position from `GET /api/rooms`, or `GET /api/rooms/{room}` for rooms not listed),
 *   `leave`, `message.send` (`POST .../messages`), `presence.get` (`GET .../presence`), `refresh`
 *   (the new token is tried on `GET /api/rooms`), `ping`, `heartbeat`. Everything else is answered with
 *   the error UNSUPPORTED_TRANSPORT, except `typing` without an id, which is dropped (`send` returns false).
 * - Every `pollIntervalMs` a cycle reads `GET /api/rooms` (membership changes, each room's last
 *   offset and epoch) and `GET /api/notifications`, then `GET .../messages?after=` for each joined
 *   room whose last offset moved, and turns what is new into the frames a stream would carry:
 *   `message.created` with its offset, `notification`, `member.added`, `member.removed` (without a
 *   reason: a list cannot tell a leave from a kick or a ban), `room.deleted`.
 * - Answers: 401 anywhere ends the session like close 4003 (reported through onError first); 429
 *   holds the polls for Retry-After, and a request answered 429 gets RATE_LIMITED with
 *   retryAfterMs; a 4xx problem is the request's error reply; no answer within requestTimeoutMs, a
 *   failed request or a 5xx ends the session as lost (1006) when a request met it, and for polls
 *   after FAILED_CYCLES_BEFORE_LOST cycles in a row (backing off in between). The client's close
 *   policy and backoff then open a new session, which rejoins with `since`.
 *
 * Every request carries `Authorization: Bearer TOKEN`; the token is never put in a URL.
 *
 * @param {{
 *   url: string, token: string, fetch: (url: string, init: any) => Promise<any>,
 *   setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (handle: unknown) => void,
 *   now: () => number, pollIntervalMs?: number, requestTimeoutMs?: number,
 * }} options
 * @param {import('./transport-websocket.js').TransportHandlers} handlers
 * @returns {import('./transport-websocket.js').Transport}
 */
export function createPollingTransport(options, handlers) {
  const { url, fetch, now } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10000;
  const base = httpBaseUrl(url);
  let token = options.token;
  const sessionId = `poll-${Math.random().toString(36).slice(2, 12)}`;

  const session = createSession(options, handlers);
  const rest = createRest(session, { base, fetch, now, requestTimeoutMs, token: () => token }, handlers);
  /** Joined `chat:` rooms, by name. @type {Map<string, import('./polling-rooms.js').PolledRoom>} */
  const rooms = new Map();
  const feed = createFeed(session, rooms);
  const poller = createPoller(session, rest, feed, rooms, { now, pollIntervalMs });
  const commands = createCommands(session, rest, rooms, { requestCycle: poller.requestCycle, token: () => token });
  session.onFinish(() => rooms.clear());
  const { call, authFailed } = rest;
  const { end, emit } = session;

  // ---- opening ----

  const open = async () => {
    const [list, notes] = await Promise.all([call('GET', '/api/rooms'), call('GET', '/api/notifications')]);
    if (session.finished) return;
    for (const [answer, what] of /** @type {const} */ ([
      [list, 'GET /api/rooms'],
      [notes, 'GET /api/notifications'],
    ])) {
      if (ok(answer)) continue;
      if (answer.status === 401) authFailed(answer, what);
      else end(LOST, answer.status === 0 ? /** @type {{error: string}} */ (answer).error : `${what} answered ${answer.status}`);
      return;
    }
    feed.start(/** @type {any} */ (list).body, /** @type {any} */ (notes).body);
    commands.open();
    const sub = decodeJwtPayload(token)?.sub;
    emit({
      event: 'connected',
      data: {
        id: sessionId,
        userId: typeof sub === 'string' ? sub : '',
        time: isoTime(/** @type {any} */ (list).date, now),
        pod: '',
        // Only the client's silence check reads it: polls answered in time are activity.
        heartbeatMs: Math.max(DEFAULT_HEARTBEAT_MS, pollIntervalMs),
      },
    });
    if (session.finished) return; // a state listener closed the client
    poller.scheduleCycle(pollIntervalMs);
    commands.pump();
  };

  void open();

  return {
    name: 'polling',
    heartbeats: false,
    send(frame) {
      return commands.send(frame);
    },
    close() {
      // There is no session on the server to close: the requests simply stop.
      if (!session.finished) session.finish();
    },
    setToken(next) {
      token = next;
    },
  };
}
