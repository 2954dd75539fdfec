/**
 * What to do when a connection ends, from its close code (protocol.md section 3.6). Kept pure so
 * that the policy table in the README can be checked line by line in the tests.
 *
 * @typedef {{action: 'stop', reason: string}
 *   | {action: 'reconnect', delay: 'backoff'}
 *   | {action: 'reconnect', delay: number, freshToken?: boolean}} CloseDecision
 *
 * @param {{code: number, reason?: string}} close
 * @param {{
 *   reconnectAt?: number | null,   // epoch ms the server asked us to reconnect at (`reconnect` frame)
 *   now: number,
 *   canRenewToken: boolean,        // getToken was given
 *   consecutive4003: number,       // closes with 4003 in a row, this one included
 * }} context
 * @returns {CloseDecision}
 */
export function decideAfterClose({ code, reason = '' }, { reconnectAt = null, now, canRenewToken, consecutive4003 }) {
  switch (code) {
    case 1001:
      // The draining pod spread its clients with afterMs and closes each one at its own time, so
      // reconnecting at that time (not with our backoff) keeps the spread it chose.
      if (reconnectAt != null) return { action: 'reconnect', delay: Math.max(0, reconnectAt - now) };
      return { action: 'reconnect', delay: 'backoff' };
    case 4008:
      // Slow consumer: the server is fine, we were just behind. Come back and recover at once.
      return { action: 'reconnect', delay: 0 };
    case 4003:
      if (!canRenewToken) return { action: 'stop', reason: reason || 'authentication failed' };
      if (consecutive4003 >= 2) return { action: 'stop', reason: 'authentication failed twice in a row' };
      return { action: 'reconnect', delay: 0, freshToken: true };
    case 4005:
      if (!canRenewToken) return { action: 'stop', reason: reason || 'token expired' };
      return { action: 'reconnect', delay: 0, freshToken: true };
    case 1008:
      // Too many invalid frames or the per-user connection limit: reconnecting would only repeat it.
      return { action: 'stop', reason: reason || 'policy violation' };
    case 4004:
      // Encryption required (or a key the server cannot use, or a server that would not encrypt when we
      // asked): the same client would be refused again.
      return { action: 'stop', reason: reason || 'encryption required' };
    case 4006:
      return { action: 'stop', reason: reason || 'disconnected by the server' };
    default:
      return { action: 'reconnect', delay: 'backoff' };
  }
}
