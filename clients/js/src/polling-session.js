/** Our code for a session whose requests get no answer, as a WebSocket reports a lost connection. */
export const LOST = 1006;

/**
 * @typedef {{
 *   readonly finished: boolean,
 *   later: (fn: () => void, ms: number) => unknown,
 *   cancel: (handle: unknown) => void,
 *   onFinish: (fn: () => void) => void,
 *   finish: () => void,
 *   end: (code: number, reason: string) => void,
 *   emit: (frame: Record<string, any>) => void,
 * }} PollingSession
 *   `later`/`cancel`: timers through the injected setTimeout/clearTimeout, none of which fires once
 *   finished; `onFinish`: what stops with the session, run in the order registered; `finish`: the
 *   stop without a close event (close()); `end`: the stop reported through onClose; `emit`: a frame
 *   to the client while the session lasts.
 */

/**
 * The life of one polling session, which has no server side: the timers it holds, the frames it
 * hands the client, and its end, after which nothing continues.
 * @param {{setTimeout: (fn: () => void, ms: number) => unknown, clearTimeout: (handle: unknown) => void}} clock
 * @param {import('./transport-websocket.js').TransportHandlers} handlers
 * @returns {PollingSession}
 */
export function createSession({ setTimeout, clearTimeout }, handlers) {
  let finished = false;
  /** @type {Set<unknown>} every timer this transport holds, so that close() leaves none */
  const timers = new Set();
  /** @type {(() => void)[]} what stops with the session: requests in flight, waiting frames, joined rooms */
  const cleanups = [];

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

  const finish = () => {
    finished = true;
    for (const handle of timers) clearTimeout(handle);
    timers.clear();
    for (const cleanup of cleanups) cleanup();
  };

  /** @param {number} code @param {string} reason */
  const end = (code, reason) => {
    if (finished) return;
    finish();
    handlers.onClose({ code, reason });
  };

  /** @param {Record<string, any>} frame */
  const emit = (frame) => {
    if (!finished) handlers.onFrame(frame);
  };

  return {
    get finished() {
      return finished;
    },
    later,
    cancel,
    onFinish(fn) {
      cleanups.push(fn);
    },
    finish,
    end,
    emit,
  };
}
