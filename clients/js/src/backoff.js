/**
 * Exponential backoff with full jitter: the n-th delay is uniform in [0, min(maxMs, initialMs * 2^n)).
 * Full jitter (rather than "cap/2 + jitter") spreads the clients of a dead pod over the whole
 * window, so they do not come back in waves.
 *
 * @param {{initialMs?: number, maxMs?: number, random?: () => number}} [options]
 */
export function createBackoff({ initialMs = 500, maxMs = 30000, random = Math.random } = {}) {
  if (!(initialMs > 0)) throw new RangeError('backoff.initialMs must be > 0');
  if (!(maxMs >= initialMs)) throw new RangeError('backoff.maxMs must be >= backoff.initialMs');
  let attempt = 0;

  /** @param {number} n */
  const ceiling = (n) => Math.min(maxMs, initialMs * 2 ** Math.min(n, 1023));

  return {
    /** Number of delays handed out since the last reset. */
    get attempt() {
      return attempt;
    },
    /** The upper bound of the next delay. */
    get ceiling() {
      return ceiling(attempt);
    },
    /** The next delay in ms; grows the window for the one after. */
    next() {
      const cap = ceiling(attempt);
      attempt += 1;
      // Clamped, in case an injected random() returns 1 or more.
      return Math.min(cap, Math.max(0, Math.floor(random() * cap)));
    },
    reset() {
      attempt = 0;
    },
  };
}
