/**
 * Codes the client produces itself, next to the server's codes of protocol.md section 7
 * (BAD_REQUEST, UNKNOWN_EVENT, AUTH_REQUIRED, FORBIDDEN, NOT_FOUND, CONFLICT, RATE_LIMITED,
 * LIMIT_EXCEEDED, INTERNAL).
 */
export const ClientErrorCodes = Object.freeze({
  /** No reply within requestTimeoutMs. */
  TIMEOUT: 'TIMEOUT',
  /** The connection ended before the reply came, or the client is not connected. */
  DISCONNECTED: 'DISCONNECTED',
  /** The application called client.close(). */
  CLOSED: 'CLOSED',
  /** room.leave() was called while the room's join was still pending. */
  CANCELLED: 'CANCELLED',
  /** getToken() threw or returned something that is not a non-empty string. */
  TOKEN_UNAVAILABLE: 'TOKEN_UNAVAILABLE',
  /** The server sent something that is not one JSON object with an `event`. */
  BAD_FRAME: 'BAD_FRAME',
  /**
   * With `encryption: true`: the server did not agree to encrypt the session (it ends as close 4004, and
   * the client stops), or sent a frame that does not open (it ends as a lost connection, and the client
   * reconnects).
   */
  ENCRYPTION_FAILED: 'ENCRYPTION_FAILED',
  /**
   * The polling transport cannot do it: the REST API has no equivalent (message.edit, reactions,
   * read, publish, typing as a request...) or the room is not a `chat:` room.
   */
  UNSUPPORTED_TRANSPORT: 'UNSUPPORTED_TRANSPORT',
});

/** An error reply from the server, or a failure detected by the client (see ClientErrorCodes). */
export class RoomcastError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [details] extra fields of the error (e.g. `retryAfterMs`, `event`)
   * @param {{cause?: unknown}} [options]
   */
  constructor(code, message, details = {}, options = undefined) {
    super(message, options);
    this.name = 'RoomcastError';
    this.code = code;
    this.details = details;
  }

  /** Shortcut for `details.retryAfterMs` (RATE_LIMITED). */
  get retryAfterMs() {
    const value = this.details.retryAfterMs;
    return typeof value === 'number' ? value : undefined;
  }

  /**
   * Builds the error from the `data` of an `error` frame, or of a refused join result:
   * `{code, message, ...details}`.
   * @param {unknown} data
   */
  static fromData(data) {
    const { code, message, ...details } = data && typeof data === 'object' ? /** @type {any} */ (data) : {};
    const safeCode = typeof code === 'string' ? code : 'INTERNAL';
    return new RoomcastError(safeCode, typeof message === 'string' ? message : safeCode, details);
  }
}
