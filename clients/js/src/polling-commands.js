import { decodeJwtPayload } from './jwt.js';
import { DEFAULT_RETRY_AFTER_MS, describe, ok, readRoom, roomPath, roomsByName, runLimited } from './polling-rest.js';

/**
 * roomcast.history.max-replay's default: a rejoin further behind than this many events answers
 * recovered:false, as on a stream (protocol.md 5.8), and the application reloads the room.
 */
export const MAX_REPLAY = 1000;
/**
 * Client frames waiting to run. Past this, a frame is answered RATE_LIMITED, as the SSE endpoint
 * answers 429 once 100 frames of a session wait (protocol.md 11.2): the outbox and joins then
 * wait and go again.
 */
export const MAX_QUEUED_FRAMES = 100;
/** The code of what the REST API cannot do: a client-side code (errors.js). */
export const UNSUPPORTED = 'UNSUPPORTED_TRANSPORT';
/**
 * roomcast.max-rooms-per-client's default (the server does not announce its value): a join or leave naming more
 * rooms is refused as a whole, and rooms past it are refused LIMIT_EXCEEDED, which also bounds a poll cycle.
 */
const MAX_ROOMS = 100;

/**
 * The server's side of the frames the client sends, played over REST. They run one at a time, in
 * order, as a server runs a connection's frames: `join` of `chat:` rooms, `leave`, `message.send`,
 * `presence.get`, `refresh`, `ping`, `heartbeat`. Everything else is answered with the error
 * UNSUPPORTED_TRANSPORT, except `typing` without an id, which is dropped (`send` returns false).
 * Frames wait (at most MAX_QUEUED_FRAMES of them) until `open()`: `connected` was sent.
 * @param {import('./polling-session.js').PollingSession} session
 * @param {import('./polling-rest.js').Rest} rest
 * @param {Map<string, import('./polling-rooms.js').PolledRoom>} rooms the joined `chat:` rooms, by name
 * @param {{requestCycle: () => void, token: () => string}} options `requestCycle`: a poll soon; `token`: the session's current token
 */
export function createCommands(session, rest, rooms, { requestCycle, token }) {
  const { emit } = session;
  const { call, refusal } = rest;
  /** `connected` was sent: client frames may run. */
  let opened = false;
  /** Client frames waiting to run, in order. @type {any[]} */
  const queue = [];
  let draining = false;
  session.onFinish(() => {
    queue.length = 0;
  });

  // ---- replies ----

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

  // ---- client frames ----

  const pump = () => {
    if (draining || !opened || session.finished || queue.length === 0) return;
    draining = true;
    void (async () => {
      await null; // replies never come from inside send()
      while (!session.finished && queue.length > 0) {
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
    if (session.finished) return;
    if (!ok(list)) {
      const error = refusal(list, 'GET /api/rooms');
      if (error) refuse(frame, error);
      return;
    }
    const listed = roomsByName(/** @type {any} */ (list).body);
    /** @type {(any | null)[]} */
    const results = names.map(() => null);
    /** @type {(import('./polling-rooms.js').PolledRoom | null)[]} */
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
      if (session.finished || wholeFrame) return;
      const answer = await call('GET', roomPath(names[i]));
      if (session.finished || wholeFrame) return;
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
    if (session.finished) return;
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
    if (session.finished) return;
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
    if (session.finished) return;
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
    const before = decodeJwtPayload(token())?.sub;
    const after = decodeJwtPayload(next)?.sub;
    if (typeof before === 'string' && after !== before) {
      refuse(frame, { code: 'FORBIDDEN', message: 'the new token is for another user' });
      return;
    }
    const answer = await call('GET', '/api/rooms', undefined, next);
    if (session.finished) return;
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

  /** @param {object} frame @returns {boolean} */
  const send = (frame) => {
    if (session.finished) return false;
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
  };

  return {
    send,
    /** `connected` is about to be sent: frames may run from now on. */
    open() {
      opened = true;
    },
    pump,
  };
}

/** @param {unknown} room @param {string} code @param {string} message */
function notJoined(room, code, message) {
  return { room, joined: false, error: { code, message } };
}
