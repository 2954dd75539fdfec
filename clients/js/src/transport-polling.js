import { RoomcastError } from './errors.js';
import { decodeJwtPayload } from './jwt.js';
import { httpBaseUrl } from './transport-sse.js';

/** How often the REST API is read when `pollIntervalMs` is not given. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;
/** protocol.md 8.3: a history page holds 1 to 200 messages. */
export const PAGE_LIMIT = 200;
/** Pages one room reads in one poll; a room still behind after them is read again at once. */
export const MAX_PAGES_PER_POLL = 5;
/**
 * roomcast.history.max-replay's default: a rejoin further behind than this many events answers
 * recovered:false, as on a stream (protocol.md 5.8), and the application reloads the room.
 */
export const MAX_REPLAY = 1000;
/** Poll cycles in a row that fail (no answer, a timeout, a 5xx) before the session counts as lost (1006). */
export const FAILED_CYCLES_BEFORE_LOST = 3;
/**
 * Client frames waiting to run. Past this, a frame is answered RATE_LIMITED, as the SSE endpoint
 * answers 429 once 100 frames of a session wait (protocol.md 11.2): the outbox and joins then
 * wait and go again.
 */
export const MAX_QUEUED_FRAMES = 100;
/** The code of what the REST API cannot do: a client-side code (errors.js). */
export const UNSUPPORTED = 'UNSUPPORTED_TRANSPORT';
/** Requests of one poll cycle (or one join) in flight at once: REST reads are limited per user (protocol.md 2.6). */
const CONCURRENCY = 4;
/** The longest wait between poll cycles while they fail. */
const MAX_BACKOFF_MS = 30000;
/** When a 429 has no readable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1000;
/** What `connected` says when the server does not: the silence check pings after twice this. */
const DEFAULT_HEARTBEAT_MS = 30000;
/**
 * roomcast.max-rooms-per-client's default (the server does not announce its value): a join or leave naming more
 * rooms is refused as a whole, and rooms past it are refused LIMIT_EXCEEDED, which also bounds a poll cycle.
 */
const MAX_ROOMS = 100;
/** Our code for a session whose requests get no answer, as a WebSocket reports a lost connection. */
const LOST = 1006;
/** What the close policy does for a token the server refused (protocol.md 3.6). */
const AUTHENTICATION_FAILED = 4003;

/**
 * @typedef {{status: number, body: any, retryAfterMs: number, date: string | null} | {status: 0, error: string}} Answer
 * @typedef {{kind: 'ok', more: boolean} | {kind: 'rateLimited', retryAfterMs: number} | {kind: 'failed', reason: string} | {kind: 'ended'}} PollOutcome
 * @typedef {{
 *   name: string,
 *   epoch: string,
 *   after: number,
 *   known: number,
 *   seenUpTo: number,
 *   listed: boolean,
 *   vanished: boolean,
 *   more: boolean,
 *   polling: boolean,
 * }} PolledRoom
 *   `after`: the highest offset delivered (the next page starts above it); `known`: the room's
 *   last offset as last read (GET /api/rooms); `seenUpTo`: every message up to it was read, so the
 *   room needs no request until `known` passes it; `listed`: in the user's room list (admins may
 *   join rooms they are not members of: those are read every cycle); `vanished`: it left that list.
 */

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
  const { url, fetch, setTimeout, clearTimeout, now } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10000;
  const base = httpBaseUrl(url);
  let token = options.token;
  const sessionId = `poll-${Math.random().toString(36).slice(2, 12)}`;

  let finished = false;
  /** `connected` was sent: client frames may run. */
  let opened = false;
  /** @type {Set<unknown>} every timer this transport holds, so that close() leaves none */
  const timers = new Set();
  /** @type {Set<AbortController>} requests in flight */
  const controllers = new Set();
  /** Joined `chat:` rooms, by name. @type {Map<string, PolledRoom>} */
  const rooms = new Map();
  /** The user's rooms in the last `GET /api/rooms`: the baseline for member.added / member.removed. */
  let memberRooms = new Set();
  /** Notification ids in the last answer (at most the server's 100): each one is reported once. */
  let seenNotifications = new Set();
  /** Client frames waiting to run, in order. @type {any[]} */
  const queue = [];
  let draining = false;
  /** @type {unknown} */
  let cycleTimer = null;
  let cycling = false;
  /** Something asked for a poll while a cycle ran: the next one comes at once. */
  let cycleAgain = false;
  let failedCycles = 0;
  /** Epoch ms before which no poll goes out (a 429's Retry-After). */
  let holdUntil = 0;

  // ---- timers and requests ----

  /** @param {() => void} fn @param {number} ms */
  const later = (fn, ms) => {
    const handle = setTimeout(() => {
      timers.delete(handle);
      if (!finished) fn();
    }, ms);
    timers.add(handle);
    return handle;
  };

  /** @param {unknown} handle */
  const cancel = (handle) => {
    if (handle != null && timers.delete(handle)) clearTimeout(handle);
  };

  /**
   * One REST request with the session's token (or the one given), bounded by requestTimeoutMs.
   * Never rejects: a failure is an Answer with status 0.
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {string} [bearer]
   * @returns {Promise<Answer>}
   */
  const call = (method, path, body, bearer = token) =>
    new Promise((resolve) => {
      const controller = typeof AbortController === 'function' ? new AbortController() : null;
      if (controller) controllers.add(controller);
      let settled = false;
      /** @type {unknown} */
      let timer = null;
      /** @param {Answer} answer */
      const settle = (answer) => {
        if (settled || finished) return; // after close() nothing continues
        settled = true;
        cancel(timer);
        if (controller) controllers.delete(controller);
        if (answer.status !== 0) handlers.onActivity?.();
        resolve(answer);
      };
      timer = later(() => {
        controller?.abort();
        settle({ status: 0, error: `no answer within ${requestTimeoutMs} ms` });
      }, requestTimeoutMs);
      /** @type {Record<string, string>} */
      const headers = { Authorization: `Bearer ${bearer}`, Accept: 'application/json' };
      /** @type {any} */
      const init = { method, headers };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      if (controller) init.signal = controller.signal;
      /** @type {Promise<any>} */
      let answer;
      try {
        answer = Promise.resolve(fetch(`${base}${path}`, init));
      } catch (cause) {
        answer = Promise.reject(cause);
      }
      answer.then(
        async (response) => {
          const status = typeof response?.status === 'number' ? response.status : 0;
          let text = '';
          try {
            text = await response.text();
          } catch {
            // a body cut off: the status still says what happened
          }
          let parsed = null;
          try {
            parsed = text === '' ? null : JSON.parse(text);
          } catch {
            parsed = null; // a proxy's HTML page
          }
          settle(
            status === 0
              ? { status: 0, error: `${method} ${path}: an answer without a status` }
              : { status, body: parsed, retryAfterMs: retryAfterMs(response, now), date: header(response, 'Date') },
          );
        },
        (cause) => settle({ status: 0, error: `${method} ${path} failed: ${describe(cause)}` }),
      );
    });

  // ---- the end ----

  const finish = () => {
    finished = true;
    for (const handle of timers) clearTimeout(handle);
    timers.clear();
    for (const controller of controllers) controller.abort();
    controllers.clear();
    queue.length = 0;
    rooms.clear();
  };

  /** @param {number} code @param {string} reason */
  const end = (code, reason) => {
    if (finished) return;
    finish();
    handlers.onClose({ code, reason });
  };

  /** A 401: reported, then the end the close policy gives a refused token (a fresh one from getToken). @param {Answer} answer @param {string} what */
  const authFailed = (answer, what) => {
    const problem = 'body' in answer && answer.body && typeof answer.body === 'object' ? answer.body : {};
    const message = typeof problem.message === 'string' ? problem.message : `${what} answered 401`;
    handlers.onError(new RoomcastError(typeof problem.code === 'string' ? problem.code : 'AUTH_REQUIRED', message, { status: 401 }));
    end(AUTHENTICATION_FAILED, message);
  };

  // ---- replies ----

  /** @param {Record<string, any>} frame */
  const emit = (frame) => {
    if (!finished) handlers.onFrame(frame);
  };

  /** @param {any} frame @param {unknown} data */
  const ack = (frame, data) => {
    if (frame.id !== undefined) emit({ event: 'ack', id: frame.id, data });
  };

  /**
   * The error reply of protocol.md 2.3: with the frame's id, or, for a frame without one, an
   * error naming the event (the client reports those as `error` events: nothing is lost silently).
   * @param {any} frame
   * @param {{code: string, message: string, [detail: string]: unknown}} error
   */
  const refuse = (frame, error) => {
    if (frame.id !== undefined) emit({ event: 'error', id: frame.id, data: error });
    else emit({ event: 'error', data: { ...error, event: frame.event } });
  };

  /** @param {any} frame @param {string} why */
  const unsupported = (frame, why) =>
    refuse(frame, { code: UNSUPPORTED, message: `${frame.event} is not available over polling: ${why}` });

  /**
   * What a request does with an answer that is not a success. 401 ends the session (4003), and no
   * answer, a timeout, a 5xx or anything that is not a 4xx ends it as lost (1006): then null. A 429
   * is RATE_LIMITED with retryAfterMs; another 4xx is the problem body's code (protocol.md 8).
   * @param {Answer} answer
   * @param {string} what
   * @returns {{code: string, message: string, status: number, retryAfterMs?: number} | null}
   */
  const refusal = (answer, what) => {
    if (answer.status === 0) {
      end(LOST, /** @type {{error: string}} */ (answer).error);
      return null;
    }
    if (answer.status === 401) {
      authFailed(answer, what);
      return null;
    }
    if (answer.status < 400 || answer.status >= 500) {
      end(LOST, `${what} answered ${answer.status}`);
      return null;
    }
    const { body, retryAfterMs: wait } = /** @type {{body: any, retryAfterMs: number}} */ (answer);
    const problem = body && typeof body === 'object' ? body : {};
    const message = typeof problem.message === 'string' ? problem.message : `${what} answered ${answer.status}`;
    if (answer.status === 429) return { code: 'RATE_LIMITED', message, status: 429, retryAfterMs: wait };
    const code = typeof problem.code === 'string' ? problem.code : answer.status === 403 ? 'FORBIDDEN' : answer.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST';
    return { code, message, status: answer.status };
  };

  // ---- opening ----

  const open = async () => {
    const [list, notes] = await Promise.all([call('GET', '/api/rooms'), call('GET', '/api/notifications')]);
    if (finished) return;
    for (const [answer, what] of /** @type {const} */ ([
      [list, 'GET /api/rooms'],
      [notes, 'GET /api/notifications'],
    ])) {
      if (ok(answer)) continue;
      if (answer.status === 401) authFailed(answer, what);
      else end(LOST, answer.status === 0 ? /** @type {{error: string}} */ (answer).error : `${what} answered ${answer.status}`);
      return;
    }
    memberRooms = new Set(roomsByName(/** @type {any} */ (list).body).keys());
    // Notifications that exist already are not news: a stream would not bring them either.
    seenNotifications = new Set(notificationItems(/** @type {any} */ (notes).body).map((item) => item.id));
    opened = true;
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
    if (finished) return; // a state listener closed the client
    scheduleCycle(pollIntervalMs);
    pump();
  };

  // ---- client frames ----

  const pump = () => {
    if (draining || !opened || finished || queue.length === 0) return;
    draining = true;
    void (async () => {
      await null; // replies never come from inside send()
      while (!finished && queue.length > 0) {
        const frame = queue.shift();
        try {
          await run(frame);
        } catch (cause) {
          refuse(frame, { code: 'INTERNAL', message: `${frame.event} failed in the polling transport: ${describe(cause)}` });
        }
      }
      draining = false;
    })();
  };

  /** @param {any} frame */
  const run = async (frame) => {
    const data = frame.data && typeof frame.data === 'object' ? frame.data : {};
    switch (frame.event) {
      case 'ping':
        emit(frame.id === undefined ? { event: 'pong' } : { event: 'pong', id: frame.id });
        return;
      case 'heartbeat':
        ack(frame, {});
        return;
      case 'join':
        await join(frame, data);
        return;
      case 'leave':
        leave(frame, data);
        return;
      case 'message.send':
        await sendMessage(frame, data);
        return;
      case 'presence.get':
        await presence(frame, data);
        return;
      case 'refresh':
        await refresh(frame, data);
        return;
      case 'typing':
        // Only with an id (a request): without one it was dropped in send().
        unsupported(frame, 'typing needs a stream (nobody would see it)');
        return;
      case 'message.edit':
      case 'message.delete':
      case 'reaction.add':
      case 'reaction.remove':
      case 'message.pin':
      case 'message.unpin':
      case 'read':
        unsupported(frame, 'the REST API has no equivalent (it needs a WebSocket or SSE session)');
        return;
      default:
        unsupported(frame, 'only join, leave, message.send, presence.get, refresh and ping are');
    }
  };

  /**
   * protocol.md 4.2 and 5.8 over REST. The rooms' positions come from `GET /api/rooms` (one
   * request for every room the user is a member of) or `GET /api/rooms/{room}`. A recovery is
   * acknowledged `recovered:true, missed:K` (K counted in events, as the server does) when the epoch
   * matches and at most MAX_REPLAY events were missed; the missed messages then come as
   * `message.created` frames from the polls that follow the ack, in offset order. Nothing of a
   * room comes before its ack: it is polled only once acknowledged.
   * @param {any} frame
   * @param {any} data
   */
  const join = async (frame, data) => {
    const names = data.rooms;
    const since = data.since ?? undefined;
    if (!Array.isArray(names) || names.length > MAX_ROOMS || (since !== undefined && (typeof since !== 'object' || Array.isArray(since)))) {
      refuse(frame, { code: 'BAD_REQUEST', message: `join needs rooms (an array of at most ${MAX_ROOMS} names), and since, if given, an object` });
      return;
    }
    const list = await call('GET', '/api/rooms');
    if (finished) return;
    if (!ok(list)) {
      const error = refusal(list, 'GET /api/rooms');
      if (error) refuse(frame, error);
      return;
    }
    const listed = roomsByName(/** @type {any} */ (list).body);
    /** @type {(any | null)[]} */
    const results = names.map(() => null);
    /** @type {(PolledRoom | null)[]} */
    const joined = names.map(() => null);
    /** @type {Map<number, {epoch: string, lastOffset: number}>} */
    const positions = new Map();
    /** @type {number[]} */
    const lookups = [];
    names.forEach((name, i) => {
      if (typeof name !== 'string') results[i] = notJoined(name, 'BAD_REQUEST', 'a room name is a string');
      else if (!name.startsWith('chat:')) {
        results[i] = notJoined(name, UNSUPPORTED, `${name}: polling reaches chat: rooms only (other namespaces need a WebSocket or SSE session)`);
      } else if (listed.has(name)) positions.set(i, /** @type {any} */ (listed.get(name)));
      else lookups.push(i);
    });
    /** @type {{code: string, message: string, status: number, retryAfterMs?: number} | null} */
    let wholeFrame = null;
    await runLimited(lookups, async (i) => {
      if (finished || wholeFrame) return;
      const answer = await call('GET', roomPath(names[i]));
      if (finished || wholeFrame) return;
      const position = ok(answer) ? readRoom(/** @type {any} */ (answer).body) : null;
      if (position) {
        positions.set(i, position);
        return;
      }
      if (ok(answer)) {
        results[i] = notJoined(names[i], 'INTERNAL', `${names[i]}: the server's answer has no epoch and lastOffset`);
        return;
      }
      const error = refusal(answer, `GET ${roomPath(names[i])}`);
      if (!error) return;
      if (error.code === 'RATE_LIMITED') wholeFrame = error; // nothing is joined: the client sends it all again
      else results[i] = { room: names[i], joined: false, error };
    });
    if (finished) return;
    if (wholeFrame) {
      refuse(frame, wholeFrame);
      return;
    }
    let joinedCount = rooms.size;
    // In request order, as the server applies the room limit (protocol.md 4.2).
    for (const i of [...positions.keys()].sort((a, b) => a - b)) {
      const { epoch, lastOffset } = /** @type {{epoch: string, lastOffset: number}} */ (positions.get(i));
      const name = names[i];
      const already = rooms.get(name);
      if (already) {
        // Joined already: the current position, without replay (protocol.md 4.2, repeated joins).
        results[i] = { room: name, joined: true, offset: lastOffset, epoch, recovered: false, missed: 0 };
        continue;
      }
      const entry = since?.[name];
      if (entry !== undefined && !(entry && Number.isInteger(entry.offset) && entry.offset >= 0 && typeof entry.epoch === 'string')) {
        results[i] = notJoined(name, 'BAD_REQUEST', `${name}: since must be {offset: integer >= 0, epoch: string}`);
        continue;
      }
      const first = joined.findIndex((state) => state?.name === name);
      if (first >= 0) {
        // Named twice in one join: one room, the same result.
        results[i] = { ...results[first] };
        continue;
      }
      if (joinedCount >= MAX_ROOMS) {
        results[i] = notJoined(name, 'LIMIT_EXCEEDED', `${name}: more than ${MAX_ROOMS} rooms joined`);
        continue;
      }
      joinedCount += 1;
      const recovered = entry !== undefined && entry.epoch === epoch && entry.offset <= lastOffset && lastOffset - entry.offset <= MAX_REPLAY;
      const after = recovered ? entry.offset : lastOffset;
      results[i] = { room: name, joined: true, offset: lastOffset, epoch, recovered, missed: recovered ? lastOffset - entry.offset : 0 };
      joined[i] = { name, epoch, after, known: lastOffset, seenUpTo: after, listed: listed.has(name), vanished: false, more: false, polling: false };
    }
    ack(frame, { rooms: results });
    let behind = false;
    for (const state of joined) {
      if (!state || rooms.has(state.name)) continue;
      rooms.set(state.name, state);
      if (state.known > state.seenUpTo) behind = true;
    }
    // The missed messages come now, not at the next interval.
    if (behind) requestCycle();
  };

  /** @param {any} frame @param {any} data */
  const leave = (frame, data) => {
    if (!Array.isArray(data.rooms) || data.rooms.length > MAX_ROOMS) {
      refuse(frame, { code: 'BAD_REQUEST', message: `leave needs rooms: an array of at most ${MAX_ROOMS} names` });
      return;
    }
    // A poll in flight for a room left here delivers nothing more (it checks the map).
    ack(frame, { rooms: data.rooms.filter((/** @type {unknown} */ name) => typeof name === 'string' && rooms.delete(name)) });
  };

  /**
   * `POST /api/rooms/{room}/messages`: the same validation and idempotency by clientMsgId as
   * message.send (protocol.md 5.3, 8.3), so the outbox resends safely. The room's own
   * `message.created` comes from the poll that follows, in offset order with everyone else's.
   * @param {any} frame
   * @param {any} data
   */
  const sendMessage = async (frame, data) => {
    const { room } = data;
    if (typeof room !== 'string' || room === '') {
      refuse(frame, { code: 'BAD_REQUEST', message: 'message.send needs a room' });
      return;
    }
    /** @type {Record<string, unknown>} */
    const body = { text: data.text, clientMsgId: data.clientMsgId };
    if (data.threadId !== undefined) body.threadId = data.threadId;
    const answer = await call('POST', `${roomPath(room)}/messages`, body);
    if (finished) return;
    if (!ok(answer)) {
      const error = refusal(answer, `POST ${roomPath(room)}/messages`);
      if (error) refuse(frame, error);
      return;
    }
    const reply = /** @type {any} */ (answer).body;
    ack(frame, reply);
    const state = rooms.get(room);
    const offset = reply?.message?.offset;
    if (state && Number.isInteger(offset) && offset > state.known) {
      state.known = offset;
      requestCycle();
    }
  };

  /** @param {any} frame @param {any} data */
  const presence = async (frame, data) => {
    if (typeof data.room !== 'string' || data.room === '') {
      refuse(frame, { code: 'BAD_REQUEST', message: 'presence.get needs a room' });
      return;
    }
    const answer = await call('GET', `${roomPath(data.room)}/presence`);
    if (finished) return;
    if (ok(answer)) {
      ack(frame, /** @type {any} */ (answer).body);
      return;
    }
    const error = refusal(answer, `GET ${roomPath(data.room)}/presence`);
    if (error) refuse(frame, error);
  };

  /**
   * protocol.md 3.4 without a server session: the new token must be for the same `sub`
   * (FORBIDDEN) and be accepted by the API (`GET /api/rooms`; 401 is AUTH_REQUIRED, and the session
   * keeps its token). The client installs it with setToken once acknowledged.
   * @param {any} frame
   * @param {any} data
   */
  const refresh = async (frame, data) => {
    const next = data.token;
    if (typeof next !== 'string' || next === '') {
      refuse(frame, { code: 'BAD_REQUEST', message: 'refresh needs a token' });
      return;
    }
    const before = decodeJwtPayload(token)?.sub;
    const after = decodeJwtPayload(next)?.sub;
    if (typeof before === 'string' && after !== before) {
      refuse(frame, { code: 'FORBIDDEN', message: 'the new token is for another user' });
      return;
    }
    const answer = await call('GET', '/api/rooms', undefined, next);
    if (finished) return;
    if (ok(answer)) {
      const exp = decodeJwtPayload(next)?.exp;
      ack(frame, { exp: typeof exp === 'number' ? exp : null });
      return;
    }
    if (answer.status === 401) {
      refuse(frame, { code: 'AUTH_REQUIRED', message: 'the new token was refused', status: 401 });
      return;
    }
    const error = refusal(answer, 'GET /api/rooms');
    if (error) refuse(frame, error);
  };

  // ---- polling ----

  /** @param {number} ms */
  const scheduleCycle = (ms) => {
    cancel(cycleTimer);
    cycleTimer = later(() => {
      cycleTimer = null;
      void cycle();
    }, ms);
  };

  /** A poll soon (messages to recover, a message just sent), unless polls are backing off or held by a 429. */
  const requestCycle = () => {
    if (cycling) cycleAgain = true;
    else if (failedCycles === 0 && now() >= holdUntil) scheduleCycle(0);
  };

  const cycle = async () => {
    cycling = true;
    cycleAgain = false;
    const outcome = await pollOnce();
    if (finished || outcome.kind === 'ended') return;
    cycling = false;
    if (outcome.kind === 'rateLimited') {
      holdUntil = now() + outcome.retryAfterMs;
      scheduleCycle(Math.max(outcome.retryAfterMs, pollIntervalMs));
      return;
    }
    if (outcome.kind === 'failed') {
      failedCycles += 1;
      if (failedCycles >= FAILED_CYCLES_BEFORE_LOST) {
        end(LOST, `polling failed ${failedCycles} times in a row (${outcome.reason})`);
        return;
      }
      scheduleCycle(Math.min(MAX_BACKOFF_MS, pollIntervalMs * 2 ** failedCycles));
      return;
    }
    failedCycles = 0;
    scheduleCycle(outcome.more || cycleAgain ? 0 : pollIntervalMs);
  };

  /**
   * What a poll does with an answer that is not a success.
   * @param {Answer} answer
   * @param {string} what
   * @returns {PollOutcome}
   */
  const pollTrouble = (answer, what) => {
    if (answer.status === 401) {
      authFailed(answer, what);
      return { kind: 'ended' };
    }
    if (answer.status === 429) return { kind: 'rateLimited', retryAfterMs: /** @type {any} */ (answer).retryAfterMs };
    return { kind: 'failed', reason: answer.status === 0 ? /** @type {any} */ (answer).error : `${what} answered ${answer.status}` };
  };

  /** One cycle: the user's rooms and notifications, then the joined rooms that have news. @returns {Promise<PollOutcome>} */
  const pollOnce = async () => {
    const [list, notes] = await Promise.all([call('GET', '/api/rooms'), call('GET', '/api/notifications')]);
    if (finished) return { kind: 'ended' };
    if (ok(notes)) reportNotifications(/** @type {any} */ (notes).body);
    if (ok(list)) applyRoomList(/** @type {any} */ (list).body);
    if (finished) return { kind: 'ended' };
    for (const [answer, what] of /** @type {const} */ ([
      [list, 'GET /api/rooms'],
      [notes, 'GET /api/notifications'],
    ])) {
      if (!ok(answer)) return pollTrouble(answer, what);
    }
    const due = [...rooms.values()].filter((state) => !state.polling && (state.vanished || !state.listed || state.more || state.known > state.seenUpTo));
    /** @type {PollOutcome | null} */
    let trouble = null;
    let more = false;
    await runLimited(due, async (state) => {
      if (trouble || finished || rooms.get(state.name) !== state) return; // a 429 or a failure stops the rest
      const outcome = await pollRoom(state);
      if (outcome.kind === 'ok') more ||= outcome.more;
      else trouble ??= outcome;
    });
    if (finished) return { kind: 'ended' };
    return trouble ?? { kind: 'ok', more };
  };

  /** New notifications (ids not in the last answer), oldest first, as the stream's user delivery. @param {any} body */
  const reportNotifications = (body) => {
    const items = notificationItems(body);
    const fresh = items.filter((item) => !seenNotifications.has(item.id)).reverse();
    seenNotifications = new Set(items.map((item) => item.id));
    for (const item of fresh) {
      emit({ event: 'notification', data: { type: item.type, room: item.room, messageId: item.messageId, from: item.from } });
    }
  };

  /**
   * Membership changes since the last list, and each joined room's last offset and epoch. A
   * joined room that left the list is read once more to learn whether it was deleted (404) or the
   * user removed; a room not joined that left it is reported as member.removed without a reason.
   * @param {any} body
   */
  const applyRoomList = (body) => {
    const listed = roomsByName(body);
    for (const name of listed.keys()) {
      if (!memberRooms.has(name)) emit({ event: 'member.added', data: { room: name } });
    }
    for (const name of memberRooms) {
      if (listed.has(name)) continue;
      const state = rooms.get(name);
      if (state) state.vanished = true;
      else emit({ event: 'member.removed', data: { room: name } });
    }
    memberRooms = new Set(listed.keys());
    for (const state of [...rooms.values()]) {
      const position = listed.get(state.name);
      if (!position) {
        state.listed = false;
        continue;
      }
      if (position.epoch !== state.epoch) {
        // Deleted and created again: the history this client followed is gone (protocol.md 5.7).
        rooms.delete(state.name);
        emit({ event: 'room.deleted', room: state.name, data: { room: state.name } });
        continue;
      }
      state.listed = true;
      state.known = Math.max(state.known, position.lastOffset);
    }
  };

  /**
   * Reads a room's new messages, at most MAX_PAGES_PER_POLL pages of PAGE_LIMIT, one request at a
   * time, and delivers them as `message.created` with their offsets.
   * @param {PolledRoom} state
   * @returns {Promise<PollOutcome>}
   */
  const pollRoom = async (state) => {
    state.polling = true;
    const target = state.known;
    const current = () => !finished && rooms.get(state.name) === state;
    try {
      for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
        const path = `${roomPath(state.name)}/messages?after=${state.after}&limit=${PAGE_LIMIT}`;
        const answer = await call('GET', path);
        if (!current()) return { kind: 'ok', more: false }; // left (or closed) meanwhile
        if (answer.status === 404) {
          rooms.delete(state.name);
          memberRooms.delete(state.name);
          emit({ event: 'room.deleted', room: state.name, data: { room: state.name } });
          return { kind: 'ok', more: false };
        }
        if (answer.status === 403) {
          removed(state);
          return { kind: 'ok', more: false };
        }
        if (!ok(answer)) return pollTrouble(answer, `GET ${path}`);
        const { items, hasMore } = readPage(/** @type {any} */ (answer).body);
        for (const message of items) {
          if (!Number.isInteger(message?.offset) || message.offset <= state.after) continue;
          state.after = message.offset;
          emit({ event: 'message.created', room: state.name, offset: message.offset, data: { message } });
          if (!current()) return { kind: 'ok', more: false };
        }
        if (!hasMore) {
          state.more = false;
          state.seenUpTo = Math.max(state.seenUpTo, target, state.after);
          // Still readable (an admin), but no longer a member.
          if (state.vanished) removed(state);
          return { kind: 'ok', more: false };
        }
      }
      state.more = true;
      return { kind: 'ok', more: true };
    } finally {
      state.polling = false;
    }
  };

  /** The user is no longer a member: the stream's user delivery, whose reason a poll cannot know. @param {PolledRoom} state */
  const removed = (state) => {
    rooms.delete(state.name);
    memberRooms.delete(state.name);
    emit({ event: 'member.removed', data: { room: state.name } });
  };

  void open();

  return {
    name: 'polling',
    heartbeats: false,
    send(frame) {
      if (finished) return false;
      // Ephemeral, and nobody would see it: dropped, and send() says so.
      if (/** @type {any} */ (frame).event === 'typing' && /** @type {any} */ (frame).id === undefined) return false;
      if (queue.length >= MAX_QUEUED_FRAMES) {
        if (/** @type {any} */ (frame).id === undefined) return false;
        queueMicrotask(() =>
          refuse(frame, { code: 'RATE_LIMITED', message: `${MAX_QUEUED_FRAMES} frames are waiting to run`, retryAfterMs: DEFAULT_RETRY_AFTER_MS }),
        );
        return true;
      }
      queue.push(frame);
      pump();
      return true;
    },
    close() {
      // There is no session on the server to close: the requests simply stop.
      if (!finished) finish();
    },
    setToken(next) {
      token = next;
    },
  };
}

/** @param {Answer} answer */
function ok(answer) {
  return answer.status >= 200 && answer.status < 300;
}

/**
 * `/api/rooms/{room}`, the name encoded as a path segment; `:` and `@` are kept, as the
 * protocol's examples write them.
 * @param {string} room
 */
function roomPath(room) {
  return `/api/rooms/${encodeURIComponent(room).replace(/%3A/gi, ':').replace(/%40/g, '@')}`;
}

/** @param {unknown} room @param {string} code @param {string} message */
function notJoined(room, code, message) {
  return { room, joined: false, error: { code, message } };
}

/** A ROOM of protocol.md 8 reduced to its position, or null. @param {any} room */
function readRoom(room) {
  if (!room || typeof room.epoch !== 'string' || !Number.isInteger(room.lastOffset) || room.lastOffset < 0) return null;
  return { epoch: room.epoch, lastOffset: /** @type {number} */ (room.lastOffset) };
}

/** `GET /api/rooms` as room name to position. @param {any} body */
function roomsByName(body) {
  /** @type {Map<string, {epoch: string, lastOffset: number}>} */
  const byName = new Map();
  for (const item of Array.isArray(body?.items) ? body.items : []) {
    const position = readRoom(item);
    if (typeof item?.room === 'string' && position) byName.set(item.room, position);
  }
  return byName;
}

/** `GET /api/notifications`, newest first. @param {any} body @returns {any[]} */
function notificationItems(body) {
  return (Array.isArray(body?.items) ? body.items : []).filter((/** @type {any} */ item) => item && item.id != null);
}

/** @param {any} body @returns {{items: any[], hasMore: boolean}} */
function readPage(body) {
  return { items: Array.isArray(body?.items) ? body.items : [], hasMore: body?.hasMore === true };
}

/** @param {any} response @param {string} name @returns {string | null} */
function header(response, name) {
  const value = response?.headers?.get?.(name);
  return typeof value === 'string' ? value : null;
}

/** Retry-After in seconds (protocol.md 8), or an HTTP date; 1 s when absent or unreadable. @param {any} response @param {() => number} now */
function retryAfterMs(response, now) {
  const value = header(response, 'Retry-After');
  if (value == null || value.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1, seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(1, date - now());
  return DEFAULT_RETRY_AFTER_MS;
}

/** The server's time from an answer's Date header, else ours. @param {string | null} date @param {() => number} now */
function isoTime(date, now) {
  const parsed = date == null ? NaN : Date.parse(date);
  return new Date(Number.isFinite(parsed) ? parsed : now()).toISOString();
}

/**
 * Runs `fn` over `items`, at most CONCURRENCY at a time.
 * @template T
 * @param {T[]} items
 * @param {(item: T) => Promise<void>} fn
 */
async function runLimited(items, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

/** @param {unknown} cause */
function describe(cause) {
  return cause instanceof Error ? cause.message : String(cause);
}
