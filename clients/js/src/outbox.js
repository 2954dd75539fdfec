import { RoomcastError } from './errors.js';

/**
 * A clientMsgId that is unique without coordination, so that a resend after a reconnect is
 * recognised by the server as the same message (protocol.md 5.3).
 */
export function newClientMsgId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const hex = (/** @type {number} */ n) => Math.floor(Math.random() * 16 ** n).toString(16).padStart(n, '0');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`;
}

/**
 * @typedef {{
 *   data: Record<string, unknown> & {room: string, text: string, clientMsgId: string},
 *   inFlight: boolean,
 *   resolve(value: unknown): void,
 *   reject(error: RoomcastError): void,
 * }} OutboxEntry
 */

/**
 * The message.send frames that have not been acknowledged, in the order they were sent. The order
 * matters: a resend after a reconnect must not overtake an earlier message of the same user.
 * Entries are settled only by a reply (or by the application closing the client), never by a
 * lost connection.
 */
export class Outbox {
  /** @type {OutboxEntry[]} */
  #entries = [];

  get size() {
    return this.#entries.length;
  }

  /**
   * @param {OutboxEntry['data']} data
   * @returns {Promise<any>}
   */
  add(data) {
    return new Promise((resolve, reject) => {
      this.#entries.push({ data, inFlight: false, resolve, reject });
    });
  }

  /** Entries that are waiting to be (re)sent, oldest first. */
  unsent() {
    return this.#entries.filter((entry) => !entry.inFlight);
  }

  /**
   * @param {OutboxEntry} entry
   * @param {RoomcastError | null} error
   * @param {unknown} [value]
   */
  settle(entry, error, value) {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    if (error) entry.reject(error);
    else entry.resolve(value);
  }

  /** @param {RoomcastError} error */
  rejectAll(error) {
    const entries = this.#entries.splice(0);
    for (const entry of entries) entry.reject(error);
  }
}
