import { Emitter } from './emitter.js';
import { RoomcastError } from './errors.js';

/**
 * Event names the Room emits itself. A server event of the same name (possible in `live:` rooms,
 * where clients publish any non-reserved name) still reaches `'*'` listeners, but not these, so
 * that a peer cannot fake a reset.
 */
const LOCAL_EVENTS = new Set(['state', 'reset', '*']);

/**
 * The client's side of a room, reached through roomControl(): the Room's public surface stays
 * exactly what index.d.ts declares.
 * @type {WeakMap<Room, any>}
 */
const controls = new WeakMap();

/** @param {Room} room */
export function roomControl(room) {
  const control = controls.get(room);
  if (!control) throw new Error('not a Roomcast room');
  return control;
}

/**
 * @typedef {{
 *   requestJoin(room: Room): void,
 *   leave(room: Room): Promise<void>,
 *   sendMessage(room: string, text: string, extra?: Record<string, unknown>): Promise<any>,
 *   reportError(error: RoomcastError): void,
 * }} RoomHost
 */

/** One room as the application sees it; `client.room(name)` returns the same object for a name. */
export class Room {
  #name;
  /** @type {RoomHost} */
  #host;
  #emitter = new Emitter();
  /** @type {'joining' | 'joined' | 'left'} */
  #state = 'left';
  /** The application wants to be in the room: it is joined again after every reconnect. */
  #wanted = false;
  #joinInFlight = false;
  /** @type {number | null} */
  #lastOffset = null;
  /** @type {string | null} */
  #epoch = null;
  /** @type {any} */
  #lastResult = null;
  /** @type {{resolve(result: any): void, reject(error: RoomcastError): void}[]} */
  #waiters = [];

  /**
   * @param {string} name
   * @param {RoomHost} host
   */
  constructor(name, host) {
    this.#name = name;
    this.#host = host;
    controls.set(this, this.#makeControl());
  }

  get name() {
    return this.#name;
  }

  get state() {
    return this.#state;
  }

  /** Highest offset seen in this room (persisted events and join acks), or null. */
  get lastOffset() {
    return this.#lastOffset;
  }

  /** The room history's epoch from the last join ack, or null. */
  get epoch() {
    return this.#epoch;
  }

  /**
   * @param {string} event a server event name, `'*'` (every room frame), `'state'` or `'reset'`
   * @param {Function} fn
   */
  on(event, fn) {
    return this.#emitter.on(event, fn);
  }

  /**
   * Resolves with this room's join result once joined, waiting for the connection if needed.
   * @returns {Promise<any>}
   */
  join() {
    if (this.#state === 'joined') return Promise.resolve(this.#lastResult);
    const joined = new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (!this.#wanted) {
      this.#wanted = true;
      this.#setState('joining', { reason: 'join' });
      this.#host.requestJoin(this);
    }
    return joined;
  }

  /** @returns {Promise<void>} */
  leave() {
    const wasWanted = this.#wanted;
    this.#wanted = false;
    this.#rejectWaiters(new RoomcastError('CANCELLED', `left ${this.#name} before the join completed`));
    this.#setState('left', { reason: 'leave' });
    return wasWanted ? this.#host.leave(this) : Promise.resolve();
  }

  /**
   * Sends a chat message through the outbox (see README): resent after reconnects until acked.
   * @param {string} text
   * @param {Record<string, unknown>} [extra] more `message.send` fields: `threadId`, or your own `clientMsgId`
   */
  sendMessage(text, extra) {
    return this.#host.sendMessage(this.#name, text, extra);
  }

  /** @param {'joining' | 'joined' | 'left'} state @param {unknown} detail */
  #setState(state, detail) {
    if (this.#state === state) return;
    this.#state = state;
    this.#emitter.emit('state', state, detail);
  }

  /** @param {RoomcastError} error */
  #rejectWaiters(error) {
    const waiters = this.#waiters.splice(0);
    for (const waiter of waiters) waiter.reject(error);
    return waiters.length;
  }

  /** @param {any} detail */
  #leftByServer(detail) {
    this.#wanted = false;
    this.#joinInFlight = false;
    this.#setState('left', detail);
  }

  #makeControl() {
    return {
      /** Wanted, and not joined yet on this connection, and no join on the way. */
      needsJoin: () => this.#wanted && this.#state !== 'joined' && !this.#joinInFlight,

      wanted: () => this.#wanted,

      /** The `since` entry of protocol.md 4.2 / 5.8, when there is something to recover from. */
      since: () =>
        this.#lastOffset != null && typeof this.#epoch === 'string'
          ? { offset: this.#lastOffset, epoch: this.#epoch }
          : null,

      joinSent: () => {
        this.#joinInFlight = true;
      },

      /**
       * @param {any} result this room's entry of the join ack
       * @param {boolean} sentSince
       */
      joinResult: (result, sentSince) => {
        this.#joinInFlight = false;
        // Left while the join was on its way: the leave frame follows the join on the wire.
        if (!this.#wanted) return;
        if (result && result.joined === true) {
          if (typeof result.epoch === 'string') {
            // On a recovery the missed events follow the ack; keeping the old lastOffset lets them
            // through. Otherwise the ack's offset is where the live stream starts (and where the
            // application reloads from after a reset).
            const recovering = sentSince && result.recovered === true;
            if (!recovering && Number.isInteger(result.offset)) this.#lastOffset = result.offset;
            this.#epoch = result.epoch;
          }
          this.#lastResult = result;
          this.#setState('joined', result);
          const waiters = this.#waiters.splice(0);
          for (const waiter of waiters) waiter.resolve(result);
          if (sentSince && result.recovered === false) this.#emitter.emit('reset', result);
          return;
        }
        const error = RoomcastError.fromData(result?.error ?? { code: 'INTERNAL', message: `no join result for ${this.#name}` });
        this.#leftByServer({ reason: 'join refused', error });
        if (this.#rejectWaiters(error) === 0) this.#host.reportError(error);
      },

      /** The join frame as a whole was refused. @param {RoomcastError} error */
      joinFailed: (error) => {
        this.#joinInFlight = false;
        if (!this.#wanted) return;
        this.#leftByServer({ reason: 'join refused', error });
        if (this.#rejectWaiters(error) === 0) this.#host.reportError(error);
      },

      /** The connection is gone; the room is joined again on the next one. */
      connectionLost: () => {
        this.#joinInFlight = false;
        if (this.#wanted) this.#setState('joining', { reason: 'reconnecting' });
      },

      /**
       * Dedup and offset tracking. False when the frame must not be delivered: the room was left,
       * or the event was already seen (a replay overlapping what arrived before a drop).
       * @param {any} frame
       */
      accept: (frame) => {
        if (this.#state === 'left') return false;
        if (Number.isInteger(frame.offset)) {
          if (this.#lastOffset != null && frame.offset <= this.#lastOffset) return false;
          this.#lastOffset = frame.offset;
        }
        return true;
      },

      /** @param {any} frame */
      dispatch: (frame) => {
        if (!LOCAL_EVENTS.has(frame.event)) this.#emitter.emit(frame.event, frame.data, frame);
        this.#emitter.emit('*', frame);
        // Every member leaves a deleted room on the server; rejoining it would be NOT_FOUND.
        if (frame.event === 'room.deleted') this.#leftByServer({ reason: 'deleted' });
      },

      /** member.removed for this room reached the user: the server took our sessions out. */
      removed: (/** @type {string} */ reason) => this.#leftByServer({ reason: reason || 'removed' }),

      /** The application closed the client. @param {RoomcastError} error */
      closed: (error) => {
        this.#wanted = false;
        this.#joinInFlight = false;
        this.#rejectWaiters(error);
        this.#setState('left', { reason: 'closed' });
      },
    };
  }
}
