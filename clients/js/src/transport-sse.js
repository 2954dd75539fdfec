import { RoomcastError } from './errors.js';
import { receiveFrame } from './frame.js';
import { sealedInbound } from './sealed-transport.js';

/** protocol.md 11.2: a POST carries 1 to 20 frames. */
export const MAX_FRAMES_PER_POST = 20;
/**
 * protocol.md 11.2: the POST body as a whole must fit `roomcast.max-frame-bytes` (UTF-8), whose
 * default is 65536. The server does not announce its value, so batches stay under the default;
 * a single frame larger than that is still sent alone (and refused with 400).
 */
export const MAX_POST_BYTES = 65536;
/**
 * After a POST answered 404 the session is gone, but its stream may still hold the `close` frame
 * that says why (4008, 1001, 1008...). It gets this long to arrive before the loss counts as 1006.
 */
export const SESSION_GONE_GRACE_MS = 1000;
/** When a 429 has no readable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 1000;
/** Our code for a stream that ended without a `close` frame, as a WebSocket reports a lost connection. */
const LOST = 1006;
/** What the close policy does for a token the server refused (protocol.md 3.6). */
const AUTHENTICATION_FAILED = 4003;

/**
 * The gateway's HTTP base URL from the client's `url`: ws:// becomes http://, wss:// https://,
 * http(s):// is kept; trailing slashes are dropped.
 * @param {string} url
 */
export function httpBaseUrl(url) {
  return url.replace(/\/+$/, '').replace(/^ws(s?):\/\//i, (_, secure) => `http${secure.toLowerCase()}://`);
}

/**
 * One session over Server-Sent Events (protocol.md section 11), with the shape of the WebSocket
 * transport: frames in (`GET /sse`, one `data:` line per frame), frames out (`POST /sse/{clientId}`,
 * in order, one POST at a time, frames sent meanwhile batched into the next), one close.
 *
 * - The `close` frame ends the transport with its code and reason, as a WebSocket close would.
 * - An EventSource `error` (the stream could not be opened, or ended without a `close` frame) is a
 *   lost connection, 1006. The EventSource is closed at once in every case: left alone it would
 *   reconnect by itself, to a new session the client knows nothing of; the client's backoff owns
 *   reconnects.
 * - POST answers: 202 sends the next batch; 429 sends the same batch again after Retry-After;
 *   404 (the session is gone) is a lost connection; 400 is reported through onError and the
 *   batch's requests get that error as their reply; 401 is reported and ends the transport like
 *   close 4003, 403 is reported and ends it as a lost connection; anything else (a proxy's 502, a
 *   network failure) ends it as a lost connection. Frames queued behind a failed POST are dropped
 *   with it: what must survive a drop (the outbox, rooms) is sent again on the next session.
 * - The server's `: hb` comments keep the stream alive, but EventSource does not surface comments.
 *   Activity (`onActivity`) is therefore every message event (and the stream opening), and on a
 *   quiet stream the client's silence check falls back to its ping.
 *
 * - With `sealed` (protocol.md 12) the key goes in the stream's query; frames on the stream (its
 *   `close` frame too) are opened in order before anything above looks at them, and frames are sealed
 *   in sending order before they join the queue, whose one-POST-at-a-time order is then the counter order
 *   the server needs.
 *
 * @param {{
 *   url: string, token: string, EventSource: any, fetch: (url: string, init: any) => Promise<any>,
 *   setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (handle: unknown) => void,
 *   sealed?: import('./encryption.js').SealedSession | null,
 * }} options
 * @param {import('./transport-websocket.js').TransportHandlers} handlers
 * @returns {import('./transport-websocket.js').Transport}
 */
export function createSseTransport({ url, token, EventSource, fetch, setTimeout, clearTimeout, sealed = null }, handlers) {
  const base = httpBaseUrl(url);
  // The query parameter: EventSource cannot set headers (protocol.md 11.1).
  const key = sealed ? `&publicKey=${sealed.publicKey}` : '';
  const source = new EventSource(`${base}/sse?access_token=${encodeURIComponent(token)}${key}`);
  let postToken = token;
  /** @type {string | null} from the `connected` frame: the session the POSTs name */
  let clientId = null;
  let finished = false;
  /** A POST answered 404: nothing more is sent; the stream may still bring its `close` frame. */
  let gone = false;
  /** Serialized frames waiting for the next POST, in order. @type {{json: string, frame: any}[]} */
  const queue = [];
  let posting = false;
  /** @type {unknown} the 429 wait or the 404 grace */
  let timer = null;

  const finish = () => {
    finished = true;
    source.onmessage = null;
    source.onerror = null;
    source.onopen = null;
    if (timer != null) clearTimeout(timer);
    timer = null;
    queue.length = 0;
    try {
      source.close();
    } catch {
      // already closed
    }
  };

  /** @param {number} code @param {string} reason */
  const end = (code, reason) => {
    if (finished) return;
    finish();
    handlers.onClose({ code, reason });
  };

  source.onopen = () => {
    if (!finished) handlers.onActivity?.();
  };

  const inbound = sealedInbound(sealed, handlers, { deliver: (frame) => handle(frame), fail: end });

  source.onmessage = (/** @type {{data: unknown}} */ message) => {
    if (finished) return;
    const frame = receiveFrame(message.data, handlers);
    if (frame) inbound.receive(frame);
  };

  /** @param {any} frame */
  const handle = (frame) => {
    if (finished) return;
    if (frame.event === 'close' && frame.id === undefined) {
      // Where a WebSocket would have been closed: the stream's last frame (protocol.md 11.1).
      const code = frame.data?.code;
      const reason = frame.data?.reason;
      end(typeof code === 'number' ? code : LOST, typeof reason === 'string' ? reason : '');
      return;
    }
    if (frame.event === 'connected' && frame.id === undefined && clientId == null && typeof frame.data?.id === 'string') {
      clientId = frame.data.id;
      handlers.onFrame(frame);
      pump();
      return;
    }
    handlers.onFrame(frame);
  };

  source.onerror = () => {
    if (finished) return;
    const reason = clientId == null ? 'the event stream could not be opened' : 'the event stream ended without a close frame';
    // Closed now: left open, EventSource would reconnect by itself. Its end counts after the frames before it.
    source.onmessage = null;
    source.onerror = null;
    try {
      source.close();
    } catch {
      // already closed
    }
    inbound.then(() => end(LOST, reason));
  };

  const pump = () => {
    if (finished || gone || posting || timer != null || clientId == null || queue.length === 0) return;
    post(takeBatch());
  };

  /** The next frames in order: at most MAX_FRAMES_PER_POST, and within MAX_POST_BYTES unless one alone is larger. */
  const takeBatch = () => {
    let bytes = 2; // the array's brackets
    let count = 0;
    while (count < queue.length && count < MAX_FRAMES_PER_POST) {
      const next = utf8Length(queue[count].json) + (count > 0 ? 1 : 0);
      if (count > 0 && bytes + next > MAX_POST_BYTES) break;
      bytes += next;
      count += 1;
    }
    return queue.splice(0, count);
  };

  /** @param {{json: string, frame: any}[]} batch */
  const post = (batch) => {
    posting = true;
    const body = batch.length === 1 ? batch[0].json : `[${batch.map((entry) => entry.json).join(',')}]`;
    const target = `${base}/sse/${encodeURIComponent(/** @type {string} */ (clientId))}`;
    /** @type {Promise<any>} */
    let answer;
    try {
      answer = Promise.resolve(
        fetch(target, {
          method: 'POST',
          headers: { Authorization: `Bearer ${postToken}`, 'Content-Type': 'application/json' },
          body,
        }),
      );
    } catch (cause) {
      answer = Promise.reject(cause);
    }
    answer.then(
      (response) => answered(batch, response),
      (cause) => {
        if (finished) return;
        // The frames may or may not have been queued: only a new session makes that certain.
        end(LOST, `POST /sse failed: ${cause instanceof Error ? cause.message : String(cause)}`);
      },
    );
  };

  /**
   * @param {{json: string, frame: any}[]} batch
   * @param {any} response
   */
  const answered = async (batch, response) => {
    if (finished) return;
    const status = typeof response?.status === 'number' ? response.status : 0;
    if (status >= 200 && status < 300) {
      posting = false;
      pump();
      return;
    }
    if (status === 429) {
      // Nothing of the batch ran: the same frames go again, still ahead of everything queued since.
      timer = setTimeout(() => {
        timer = null;
        if (!finished) post(batch);
      }, retryAfterMs(response));
      return;
    }
    if (status === 404) {
      // The session is gone. Its stream may still be delivering the `close` frame that says why.
      gone = true;
      posting = false;
      queue.length = 0;
      timer = setTimeout(() => {
        timer = null;
        end(LOST, 'the SSE session is gone (POST answered 404)');
      }, SESSION_GONE_GRACE_MS);
      return;
    }
    if (status === 400 || status === 401 || status === 403) {
      const problem = await readProblem(response);
      if (finished) return;
      const fallback = status === 400 ? 'BAD_REQUEST' : status === 401 ? 'AUTH_REQUIRED' : 'FORBIDDEN';
      const code = typeof problem.code === 'string' ? problem.code : fallback;
      const message = typeof problem.message === 'string' ? problem.message : `POST /sse answered ${status}`;
      handlers.onError(new RoomcastError(code, message, { status, frames: batch.length }));
      if (finished) return; // an error listener closed the client
      if (status === 401) {
        end(AUTHENTICATION_FAILED, message);
        return;
      }
      if (status === 403) {
        end(LOST, message);
        return;
      }
      // 400: none of these frames ran; their requests get the refusal as their reply, as a
      // WebSocket would have answered each one.
      posting = false;
      for (const { frame } of batch) {
        if (finished) return;
        if (typeof frame.id === 'string') handlers.onFrame({ event: 'error', id: frame.id, data: { code, message } });
      }
      pump();
      return;
    }
    end(LOST, `POST /sse answered ${status || 'without a status'}`);
  };

  /** @param {string} json @param {any} frame */
  const enqueue = (json, frame) => {
    if (finished || gone) return;
    queue.push({ json, frame });
    pump();
  };

  return {
    name: 'sse',
    heartbeats: false,
    send(frame) {
      if (finished || gone) return false;
      if (sealed) {
        sealed.seal(frame).then(
          (json) => enqueue(json, frame),
          (error) => inbound.fail(error),
        );
      } else {
        enqueue(JSON.stringify(frame), frame);
      }
      return true;
    },
    close() {
      // There is no close code to send: the server sees the stream go away.
      if (!finished) finish();
    },
    setToken(next) {
      postToken = next;
    },
  };
}

/** @param {any} response */
async function readProblem(response) {
  try {
    const text = await response.text();
    const problem = JSON.parse(text);
    return problem && typeof problem === 'object' ? problem : {};
  } catch {
    return {};
  }
}

/** Retry-After in seconds (protocol.md 8), or an HTTP date; 1 s when absent or unreadable. @param {any} response */
function retryAfterMs(response) {
  const value = response?.headers?.get?.('Retry-After');
  if (typeof value !== 'string' || value.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1, seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(1, date - Date.now());
  return DEFAULT_RETRY_AFTER_MS;
}

/** @param {string} text */
function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}
