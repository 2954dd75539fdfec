import { RoomcastError } from './errors.js';
import { LOST } from './polling-session.js';

/** When a 429 has no readable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 1000;
/** Requests of one poll cycle (or one join) in flight at once: REST reads are limited per user (protocol.md 2.6). */
const CONCURRENCY = 4;
/** What the close policy does for a token the server refused (protocol.md 3.6). */
const AUTHENTICATION_FAILED = 4003;

/**
 * @typedef {{status: number, body: any, retryAfterMs: number, date: string | null} | {status: 0, error: string}} Answer
 */

/**
 * The polling session's REST requests (protocol.md 8) and what their answers mean for it. Every
 * request carries `Authorization: Bearer TOKEN`; the token is never put in a URL.
 * @param {import('./polling-session.js').PollingSession} session
 * @param {{
 *   base: string, fetch: (url: string, init: any) => Promise<any>, now: () => number,
 *   requestTimeoutMs: number, token: () => string,
 * }} options `base`: the server's http(s) URL; `token`: the session's current token
 * @param {import('./transport-websocket.js').TransportHandlers} handlers
 */
export function createRest(session, { base, fetch, now, requestTimeoutMs, token }, handlers) {
  const { later, cancel, end } = session;
  /** @type {Set<AbortController>} requests in flight */
  const controllers = new Set();
  session.onFinish(() => {
    for (const controller of controllers) controller.abort();
    controllers.clear();
  });

  /**
   * One REST request with the session's token (or the one given), bounded by requestTimeoutMs.
   * Never rejects: a failure is an Answer with status 0.
   * @param {'GET' | 'POST'} method
   * @param {string} path
   * @param {unknown} [body]
   * @param {string} [bearer]
   * @returns {Promise<Answer>}
   */
  const call = (method, path, body, bearer = token()) =>
    new Promise((resolve) => {
      const controller = typeof AbortController === 'function' ? new AbortController() : null;
      if (controller) controllers.add(controller);
      let settled = false;
      /** @type {unknown} */
      let timer = null;
      /** @param {Answer} answer */
      const settle = (answer) => {
        if (settled || session.finished) return; // after close() nothing continues
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

  /** A 401: reported, then the end the close policy gives a refused token (a fresh one from getToken). @param {Answer} answer @param {string} what */
  const authFailed = (answer, what) => {
    const problem = 'body' in answer && answer.body && typeof answer.body === 'object' ? answer.body : {};
    const message = typeof problem.message === 'string' ? problem.message : `${what} answered 401`;
    handlers.onError(new RoomcastError(typeof problem.code === 'string' ? problem.code : 'AUTH_REQUIRED', message, { status: 401 }));
    end(AUTHENTICATION_FAILED, message);
  };

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

  return { call, authFailed, refusal };
}

/** @typedef {ReturnType<typeof createRest>} Rest */

/** @param {Answer} answer */
export function ok(answer) {
  return answer.status >= 200 && answer.status < 300;
}

/**
 * `/api/rooms/{room}`, the name encoded as a path segment; `:` and `@` are kept, as the
 * protocol's examples write them.
 * @param {string} room
 */
export function roomPath(room) {
  return `/api/rooms/${encodeURIComponent(room).replace(/%3A/gi, ':').replace(/%40/g, '@')}`;
}

/** A ROOM of protocol.md 8 reduced to its position, or null. @param {any} room */
export function readRoom(room) {
  if (!room || typeof room.epoch !== 'string' || !Number.isInteger(room.lastOffset) || room.lastOffset < 0) return null;
  return { epoch: room.epoch, lastOffset: /** @type {number} */ (room.lastOffset) };
}

/** `GET /api/rooms` as room name to position. @param {any} body */
export function roomsByName(body) {
  /** @type {Map<string, {epoch: string, lastOffset: number}>} */
  const byName = new Map();
  for (const item of Array.isArray(body?.items) ? body.items : []) {
    const position = readRoom(item);
    if (typeof item?.room === 'string' && position) byName.set(item.room, position);
  }
  return byName;
}

/** `GET /api/notifications`, newest first. @param {any} body @returns {any[]} */
export function notificationItems(body) {
  return (Array.isArray(body?.items) ? body.items : []).filter((/** @type {any} */ item) => item && item.id != null);
}

/** @param {any} body @returns {{items: any[], hasMore: boolean}} */
export function readPage(body) {
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
export function isoTime(date, now) {
  const parsed = date == null ? NaN : Date.parse(date);
  return new Date(Number.isFinite(parsed) ? parsed : now()).toISOString();
}

/**
 * Runs `fn` over `items`, at most CONCURRENCY at a time.
 * @template T
 * @param {T[]} items
 * @param {(item: T) => Promise<void>} fn
 */
export async function runLimited(items, fn) {
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
export function describe(cause) {
  return cause instanceof Error ? cause.message : String(cause);
}
