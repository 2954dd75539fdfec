import { ok, readPage, roomPath, runLimited } from './polling-rest.js';
import { LOST } from './polling-session.js';

/** protocol.md 8.3: a history page holds 1 to 200 messages. */
export const PAGE_LIMIT = 200;
/** Pages one room reads in one poll; a room still behind after them is read again at once. */
export const MAX_PAGES_PER_POLL = 5;
/** Poll cycles in a row that fail (no answer, a timeout, a 5xx) before the session counts as lost (1006). */
export const FAILED_CYCLES_BEFORE_LOST = 3;
/** The longest wait between poll cycles while they fail. */
const MAX_BACKOFF_MS = 30000;

/**
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
 * The poll cycle. Every `pollIntervalMs` it reads `GET /api/rooms` and `GET /api/notifications`
 * (handed to the feed), then `GET .../messages?after=` for each joined room whose last offset
 * moved, delivered as `message.created` with its offset. A 429 holds the polls for Retry-After; a
 * failed cycle backs off, and FAILED_CYCLES_BEFORE_LOST of them in a row end the session as lost.
 * @param {import('./polling-session.js').PollingSession} session
 * @param {import('./polling-rest.js').Rest} rest
 * @param {import('./polling-feed.js').Feed} feed
 * @param {Map<string, PolledRoom>} rooms the joined `chat:` rooms, by name
 * @param {{now: () => number, pollIntervalMs: number}} options
 */
export function createPoller(session, rest, feed, rooms, { now, pollIntervalMs }) {
  const { later, cancel, end, emit } = session;
  const { call, authFailed } = rest;
  /** @type {unknown} */
  let cycleTimer = null;
  let cycling = false;
  /** Something asked for a poll while a cycle ran: the next one comes at once. */
  let cycleAgain = false;
  let failedCycles = 0;
  /** Epoch ms before which no poll goes out (a 429's Retry-After). */
  let holdUntil = 0;

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
    if (session.finished || outcome.kind === 'ended') return;
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
   * @param {import('./polling-rest.js').Answer} answer
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
    if (session.finished) return { kind: 'ended' };
    if (ok(notes)) feed.reportNotifications(/** @type {any} */ (notes).body);
    if (ok(list)) feed.applyRoomList(/** @type {any} */ (list).body);
    if (session.finished) return { kind: 'ended' };
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
      if (trouble || session.finished || rooms.get(state.name) !== state) return; // a 429 or a failure stops the rest
      const outcome = await pollRoom(state);
      if (outcome.kind === 'ok') more ||= outcome.more;
      else trouble ??= outcome;
    });
    if (session.finished) return { kind: 'ended' };
    return trouble ?? { kind: 'ok', more };
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
    const current = () => !session.finished && rooms.get(state.name) === state;
    try {
      for (let page = 0; page < MAX_PAGES_PER_POLL; page += 1) {
        const path = `${roomPath(state.name)}/messages?after=${state.after}&limit=${PAGE_LIMIT}`;
        const answer = await call('GET', path);
        if (!current()) return { kind: 'ok', more: false }; // left (or closed) meanwhile
        if (answer.status === 404) {
          feed.deleted(state);
          return { kind: 'ok', more: false };
        }
        if (answer.status === 403) {
          feed.removed(state);
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
          if (state.vanished) feed.removed(state);
          return { kind: 'ok', more: false };
        }
      }
      state.more = true;
      return { kind: 'ok', more: true };
    } finally {
      state.polling = false;
    }
  };

  return { scheduleCycle, requestCycle };
}
