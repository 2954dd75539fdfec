import { createBackoff } from './backoff.js';
import { decideAfterClose } from './close-policy.js';
import { Emitter } from './emitter.js';
import { createKeyExchange, createSealedSession } from './encryption.js';
import { RoomcastError } from './errors.js';
import { tokenExpiryMs } from './jwt.js';
import { Outbox, newClientMsgId } from './outbox.js';
import { Room, roomControl } from './room.js';
import { DEFAULT_POLL_INTERVAL_MS, createPollingTransport } from './transport-polling.js';
import { createSseTransport } from './transport-sse.js';
import { createWebSocketTransport } from './transport-websocket.js';

/** What the server uses when `connected` does not say (half of the default 60 s timeout). */
const DEFAULT_HEARTBEAT_MS = 30000;
/** roomcast.max-rooms-per-client's default: a join naming more rooms is refused as a whole. */
const MAX_ROOMS_PER_JOIN = 100;
/** setTimeout fires at once for longer delays (32-bit overflow), so long waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Our code when we give up on a socket ourselves (timeouts); the policy treats it as a drop. */
const ABANDON_CODE = 4000;
/** The transports this client speaks, in the default order of preference: polling is the last resort. */
const TRANSPORTS = /** @type {const} */ (['websocket', 'sse', 'polling']);
/**
 * Attempts on one transport that end before `connected`, in a row, before the next transport is tried, while no
 * transport is known to work: none has reached `connected` yet, or the first one was given up (see #noteAttempt).
 */
const FAILURES_BEFORE_FALLBACK = 2;
/**
 * Attempts in a row on the first transport that end before `connected`, after it had connected, before it is given
 * up as if it had never connected (the network now blocks it: a laptop moved behind a proxy that strips `Upgrade`).
 * Why 6: such failures are far more often a server outage or a rolling update, which must not move the client off
 * the WebSocket. With the default backoff (full jitter, 500 ms doubling, 30 s cap) the waits before the 6th
 * attempt add up to 15.75 s on average and at most 31.5 s, so an 8 s rollout gives a client up only about once
 * in 13 (4 attempts would take at most 7.5 s of waits: every client would move during any 8 s outage; 8 would
 * average 46 s). A network that really blocks the WebSocket still reaches SSE within about half a minute when
 * its refusals are quick (a held upgrade adds requestTimeoutMs per attempt).
 */
const FIRST_TRANSPORT_FAILURES_BEFORE_FALLBACK = 6;

/**
 * @typedef {import('./transport-websocket.js').Transport} Transport
 * @typedef {'websocket' | 'sse' | 'polling'} TransportName
 * @typedef {'connecting' | 'connected' | 'reconnecting' | 'disconnected'} ClientState
 * @typedef {{
 *   onReply(frame: any): void,
 *   onDrop(error: RoomcastError): void,
 *   timer: unknown,
 * }} PendingReply
 * @typedef {{
 *   event: string, data: unknown, id: string | null, timer: unknown,
 *   resolve(value: any): void, reject(error: RoomcastError): void,
 * }} RequestItem
 */

export class RoomcastClient {
  #url;
  /** @type {string | undefined} */
  #staticToken;
  /** @type {(() => string | Promise<string>) | undefined} */
  #getToken;
  #WebSocket;
  #EventSource;
  /** @type {(url: string, init: any) => Promise<any>} */
  #fetch;
  /** WebCrypto with `encryption: true` (a key pair per connection), else null. @type {SubtleCrypto | null} */
  #subtle;
  /** The transports to use, in order. @type {TransportName[]} */
  #transports;
  /** Index in #transports of the transport the next attempt uses: chosen by #noteAttempt and #startCycle. */
  #transportIndex = 0;
  /**
   * Attempts in a row on #transports[#transportIndex] that ended before `connected`; counted while no transport is
   * known to work, and on the first transport while it is kept. Zeroed by `connected` and by a move.
   */
  #failedBeforeConnected = 0;
  /**
   * Index in #transports of the transport that last reached `connected`, for the life of the client object
   * (across close()/connect()). Null while none has, and again once the first transport, kept, was given up
   * after FIRST_TRANSPORT_FAILURES_BEFORE_FALLBACK failures: then the client searches as if none ever had.
   * @type {number | null}
   */
  #connectedIndex = null;
  /** @type {TransportName} the transport of the current (or last) connection */
  #transportName;
  #requestTimeoutMs;
  #refreshLeadMs;
  #pollIntervalMs;
  /** @type {(fn: () => void, ms: number) => unknown} */
  #later;
  /** @type {(handle: unknown) => void} */
  #clearTimer;
  /** @type {() => number} */
  #now;

  #backoff;
  #emitter = new Emitter();
  #outbox = new Outbox();
  /** @type {Map<string, Room>} */
  #rooms = new Map();
  #roomHost;

  /** @type {ClientState} */
  #state = 'disconnected';
  /** Between connect() and a stop (close() or a close code that must not be retried). */
  #running = false;
  /** Bumped for every socket and every teardown: async continuations of an old one compare it. */
  #generation = 0;
  /** @type {Transport | null} */
  #transport = null;
  /** The current socket got its `connected` frame. */
  #connected = false;
  /** Connected, and every wanted room joined again: the outbox and queued requests may go. */
  #ready = false;
  /** @type {string | null} */
  #token = null;
  #nextId = 0;
  /** @type {Map<string, PendingReply>} */
  #pending = new Map();
  /** Requests made while not ready, sent once ready. @type {RequestItem[]} */
  #queue = [];

  #heartbeatMs = DEFAULT_HEARTBEAT_MS;
  #lastReceivedAt = 0;
  /** @type {number | null} when the server's `reconnect` frame told us to come back (epoch ms) */
  #reconnectAt = null;
  #consecutive4003 = 0;

  /** @type {unknown} */ #reconnectTimer = null;
  /** @type {unknown} */ #connectTimer = null;
  /** @type {unknown} */ #heartbeatTimer = null;
  /** @type {unknown} */ #watchdogTimer = null;
  /** @type {unknown} */ #refreshTimer = null;
  /** @type {unknown} */ #outboxTimer = null;
  /** @type {Set<unknown>} */ #joinRetryTimers = new Set();

  /** @param {import('./index.js').ClientOptions} options */
  constructor(options) {
    if (!options || typeof options.url !== 'string' || options.url === '') {
      throw new TypeError('options.url is required (e.g. "wss://chat.example.com")');
    }
    if (typeof options.getToken !== 'function' && (typeof options.token !== 'string' || options.token === '')) {
      throw new TypeError('options.token or options.getToken is required');
    }
    for (const name of /** @type {const} */ (['WebSocket', 'EventSource', 'fetch'])) {
      if (options[name] !== undefined && typeof options[name] !== 'function') {
        throw new TypeError(`options.${name} must be a function (a constructor for WebSocket and EventSource)`);
      }
    }
    const WebSocketClass = options.WebSocket ?? globalThis.WebSocket;
    const EventSourceClass = options.EventSource ?? globalThis.EventSource;
    // Called through a closure: browsers throw "Illegal invocation" when fetch runs with another `this`.
    const fetchFn = options.fetch ?? (typeof globalThis.fetch === 'function' ? (url, init) => globalThis.fetch(url, init) : undefined);
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (typeof pollIntervalMs !== 'number' || !(pollIntervalMs > 0) || !Number.isFinite(pollIntervalMs)) {
      throw new TypeError('options.pollIntervalMs must be a positive number of milliseconds');
    }
    if (options.encryption !== undefined && typeof options.encryption !== 'boolean') {
      throw new TypeError('options.encryption must be a boolean');
    }
    const encryption = options.encryption === true;
    const subtle = (options.crypto ?? globalThis.crypto)?.subtle;
    if (encryption && (!subtle || typeof subtle.generateKey !== 'function')) {
      throw new TypeError(
        'options.encryption needs WebCrypto (crypto.subtle): a secure context in browsers (https, or localhost), Node 20+, or options.crypto',
      );
    }
    this.#transports = chooseTransports(
      options.transports,
      {
        websocket: typeof WebSocketClass === 'function',
        sse: typeof EventSourceClass === 'function' && typeof fetchFn === 'function',
        polling: typeof fetchFn === 'function',
      },
      encryption,
    );
    this.#subtle = encryption ? subtle : null;
    this.#transportName = this.#transports[0];
    this.#url = options.url;
    this.#staticToken = options.token;
    this.#getToken = options.getToken;
    this.#WebSocket = WebSocketClass;
    this.#EventSource = EventSourceClass;
    this.#fetch = /** @type {any} */ (fetchFn);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10000;
    this.#refreshLeadMs = options.refreshLeadMs ?? 30000;
    this.#pollIntervalMs = pollIntervalMs;

    // Called through closures, never as methods: browsers throw "Illegal invocation" when
    // setTimeout runs with another `this`.
    const setTimer = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
    const clearTimer = options.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle));
    const now = options.now ?? (() => Date.now());
    this.#later = (fn, ms) => setTimer(fn, ms);
    this.#clearTimer = (handle) => {
      if (handle != null) clearTimer(handle);
    };
    this.#now = () => now();
    this.#backoff = createBackoff({ ...options.backoff, random: options.random ?? Math.random });

    this.#roomHost = {
      requestJoin: (/** @type {Room} */ room) => {
        // Not ready: the join is made by the rejoin that runs once connected.
        if (this.#ready) this.#sendJoin([room], null);
      },
      leave: (/** @type {Room} */ room) => this.#sendLeave(room),
      sendMessage: (/** @type {string} */ room, /** @type {string} */ text, /** @type {any} */ extra) =>
        this.#sendMessage(room, text, extra),
      reportError: (/** @type {RoomcastError} */ error) => this.#emitter.emit('error', error),
    };
  }

  /** @returns {ClientState} */
  get state() {
    return this.#state;
  }

  /**
   * The transport of the current connection or connection attempt; null while there is none
   * (before connect(), between attempts, once disconnected).
   * @returns {TransportName | null}
   */
  get transport() {
    return this.#transport ? this.#transportName : null;
  }

  /**
   * @param {'state' | 'event' | 'error'} event
   * @param {Function} fn
   * @returns {() => void} unsubscribe
   */
  on(event, fn) {
    return this.#emitter.on(event, fn);
  }

  connect() {
    if (this.#running) return;
    this.#running = true;
    this.#backoff.reset();
    this.#consecutive4003 = 0;
    this.#startCycle();
    this.#setState('connecting', { attempt: 0 });
    if (this.#running) void this.#open();
  }

  close() {
    const closed = new RoomcastError('CLOSED', 'the client was closed');
    this.#running = false;
    this.#transport?.close(1000, 'normal close');
    // Rooms first: once they are left, the teardown does not announce them as rejoining.
    for (const room of this.#rooms.values()) roomControl(room).closed(closed);
    this.#teardown(closed);
    this.#outbox.rejectAll(closed);
    this.#stop({ code: 1000, reason: 'closed by client' }, closed);
  }

  /**
   * @param {string} event
   * @param {Record<string, unknown>} [data]
   * @returns {Promise<any>}
   */
  request(event, data) {
    return new Promise((resolve, reject) => {
      if (!this.#running) {
        reject(new RoomcastError('DISCONNECTED', 'the client is not connected (call connect() first)', { event }));
        return;
      }
      /** @type {RequestItem} */
      const item = { event, data, id: null, timer: null, resolve, reject };
      // The clock runs from the call, also while the request waits for a connection.
      item.timer = this.#later(() => {
        const queued = this.#queue.indexOf(item);
        if (queued >= 0) this.#queue.splice(queued, 1);
        if (item.id != null) this.#pending.delete(item.id);
        reject(new RoomcastError('TIMEOUT', `no reply to ${event} within ${this.#requestTimeoutMs} ms`, { event }));
      }, this.#requestTimeoutMs);
      if (this.#ready) this.#sendRequest(item);
      else this.#queue.push(item);
    });
  }

  /**
   * Fire and forget, for what is worthless once late (typing): dropped unless connected.
   * @param {string} event
   * @param {Record<string, unknown>} [data]
   * @returns {boolean} whether the frame was handed to the socket
   */
  send(event, data) {
    if (this.#state !== 'connected' || !this.#transport) return false;
    return this.#transport.send(data === undefined ? { event } : { event, data });
  }

  /**
   * @param {string} name
   * @returns {Room}
   */
  room(name) {
    if (typeof name !== 'string' || name === '') throw new TypeError('a room name is a non-empty string');
    let room = this.#rooms.get(name);
    if (!room) {
      room = new Room(name, this.#roomHost);
      this.#rooms.set(name, room);
    }
    return room;
  }

  // ---- connection lifecycle ----

  async #open() {
    const generation = ++this.#generation;
    this.#reconnectAt = null;
    let token;
    try {
      token = this.#getToken ? await this.#getToken() : this.#staticToken;
      if (typeof token !== 'string' || token === '') throw new TypeError('getToken() must resolve to a non-empty string');
    } catch (cause) {
      if (generation !== this.#generation || !this.#running) return;
      const error = new RoomcastError('TOKEN_UNAVAILABLE', `could not get a token: ${describe(cause)}`, {}, { cause });
      this.#emitter.emit('error', error);
      if (this.#running) this.#scheduleReconnect({ code: null, reason: error.message }, 'backoff');
      return;
    }
    if (generation !== this.#generation || !this.#running) return;
    /** @type {import('./encryption.js').SealedSession | null} */
    let sealed = null;
    if (this.#subtle) {
      try {
        sealed = createSealedSession(await createKeyExchange(this.#subtle));
      } catch (cause) {
        if (generation !== this.#generation || !this.#running) return;
        const error = new RoomcastError('ENCRYPTION_FAILED', `could not make a key pair: ${describe(cause)}`, {}, { cause });
        this.#emitter.emit('error', error);
        this.#stop({ code: null, reason: error.message }, error);
        return;
      }
      if (generation !== this.#generation || !this.#running) return;
    }
    this.#token = token;
    const name = this.#transports[this.#transportIndex];
    this.#transportName = name;
    /** @type {import('./transport-websocket.js').TransportHandlers} */
    const handlers = {
      onFrame: (frame) => {
        if (generation === this.#generation) this.#onFrame(frame);
      },
      onClose: (close) => {
        if (generation === this.#generation) this.#lost(close);
      },
      onError: (error) => this.#emitter.emit('error', error),
      onActivity: () => {
        if (generation === this.#generation) this.#lastReceivedAt = this.#now();
      },
    };
    try {
      this.#transport = this.#createTransport(name, token, handlers, sealed);
    } catch (cause) {
      // A constructor that throws (malformed url) would throw on every retry: stop instead of looping.
      const what = name === 'sse' ? 'an event stream' : name === 'polling' ? 'a polling session' : 'a WebSocket';
      const error = new RoomcastError('DISCONNECTED', `cannot open ${what}: ${describe(cause)}`, {}, { cause });
      this.#emitter.emit('error', error);
      this.#stop({ code: null, reason: error.message }, error);
      return;
    }
    // A socket that opens but never says `connected` (a proxy that holds it) is as dead as one that fails.
    this.#connectTimer = this.#later(() => this.#abandon('no connected frame in time'), this.#requestTimeoutMs);
  }

  /**
   * @param {TransportName} name
   * @param {string} token
   * @param {import('./transport-websocket.js').TransportHandlers} handlers
   * @param {import('./encryption.js').SealedSession | null} sealed this connection's keys with `encryption: true`
   * @returns {Transport}
   */
  #createTransport(name, token, handlers, sealed) {
    const timers = { setTimeout: this.#later, clearTimeout: this.#clearTimer };
    if (name === 'sse') {
      return createSseTransport(
        { url: this.#url, token, EventSource: this.#EventSource, fetch: this.#fetch, ...timers, sealed },
        handlers,
      );
    }
    if (name === 'polling') {
      return createPollingTransport(
        {
          url: this.#url,
          token,
          fetch: this.#fetch,
          ...timers,
          now: this.#now,
          pollIntervalMs: this.#pollIntervalMs,
          requestTimeoutMs: this.#requestTimeoutMs,
        },
        handlers,
      );
    }
    return createWebSocketTransport({ url: this.#url, token, WebSocket: this.#WebSocket, sealed }, handlers);
  }

  /** @param {any} frame */
  #onConnected(frame) {
    if (this.#connected) return;
    this.#connected = true;
    this.#clearTimer(this.#connectTimer);
    this.#connectTimer = null;
    const heartbeatMs = frame.data?.heartbeatMs;
    this.#heartbeatMs = typeof heartbeatMs === 'number' && heartbeatMs > 0 ? heartbeatMs : DEFAULT_HEARTBEAT_MS;
    this.#backoff.reset();
    this.#consecutive4003 = 0;
    this.#failedBeforeConnected = 0;
    this.#connectedIndex = this.#transportIndex;
    const generation = this.#generation;
    const data = frame.data && typeof frame.data === 'object' ? frame.data : {};
    this.#setState('connected', { ...data, transport: this.#transportName });
    if (generation !== this.#generation) return; // a state listener closed the client
    // An SSE stream needs no client heartbeat (protocol.md 11.1): the server writes to it. Polling
    // has no session to keep alive.
    if (/** @type {Transport} */ (this.#transport).heartbeats) this.#startHeartbeat();
    this.#armWatchdog();
    this.#scheduleRefresh(tokenExpiryMs(/** @type {string} */ (this.#token)));
    this.#rejoin();
  }

  /**
   * The socket ended without us asking for it (or we gave up on it): apply the close policy.
   * @param {{code: number, reason: string}} close
   */
  #lost(close) {
    const error = new RoomcastError(
      'DISCONNECTED',
      `the connection closed (${close.code}${close.reason ? ` ${close.reason}` : ''}) before the reply`,
      { code: close.code, reason: close.reason },
    );
    const reachedConnected = this.#connected;
    this.#teardown(error);
    this.#noteAttempt(reachedConnected);
    this.#consecutive4003 = close.code === 4003 ? this.#consecutive4003 + 1 : 0;
    const decision = decideAfterClose(close, {
      reconnectAt: this.#reconnectAt,
      now: this.#now(),
      canRenewToken: typeof this.#getToken === 'function',
      consecutive4003: this.#consecutive4003,
    });
    this.#reconnectAt = null;
    if (!this.#running) return; // a listener called close() during the teardown
    if (decision.action === 'stop') {
      this.#stop({ code: close.code, reason: decision.reason }, error);
      return;
    }
    this.#scheduleReconnect(close, decision.delay);
  }

  /**
   * The fallback rule: after every attempt (#lost), the transport of the next one.
   *
   * 1. The first transport, once it has reached `connected`, is kept: its later failures, before or after
   *    `connected`, are the network's or the server's (a pod restart, an outage), not a blocked upgrade, and it is
   *    retried with backoff. Only FIRST_TRANSPORT_FAILURES_BEFORE_FALLBACK attempts in a row on it that end before
   *    `connected` give it up (the network now blocks it): the client then goes on to the second transport as if
   *    none had ever connected (rule 3).
   * 2. A fallback transport (not the first) that reached `connected` is kept until that connection is lost: the
   *    next reconnect cycle (#startCycle: a loss after `connected`, or connect()) makes ONE attempt on the first
   *    transport, and if that one ends before `connected`, goes straight back to the transport that last connected
   *    and stays on it, however many of its attempts fail, until a `connected` ends the cycle. A network that
   *    blocks the WebSocket pays one failed upgrade per reconnect; one that only had the server down when the
   *    client fell back returns to the WebSocket at its next reconnect (and keeps it, rule 1).
   * 3. While no transport is known to work (none has connected, or the first was given up), FAILURES_BEFORE_FALLBACK
   *    attempts in a row on one transport that end before `connected` (a WebSocket upgrade that proxies block)
   *    move new attempts to the next transport, and after the last one back to the first, so that a client
   *    started during an outage does not stay on its last resort once the server is back.
   *
   * The close code plays no part here (it decides only whether and when to reconnect), nor is the backoff touched:
   * it grows over all the failed attempts, whatever their transport, until a `connected` (or connect()).
   * @param {boolean} reachedConnected
   */
  #noteAttempt(reachedConnected) {
    if (reachedConnected) {
      this.#startCycle();
      return;
    }
    const connectedIndex = this.#connectedIndex;
    if (connectedIndex !== null && connectedIndex > 0) {
      // Rule 2: the probe of the first transport failed, or the fallback itself did: (back) to the fallback.
      this.#transportIndex = connectedIndex;
      return;
    }
    this.#failedBeforeConnected += 1;
    if (connectedIndex === 0) {
      // Rule 1: the first transport is kept until it fails this often in a row; then rule 3, from the next one.
      if (this.#failedBeforeConnected < FIRST_TRANSPORT_FAILURES_BEFORE_FALLBACK) return;
      this.#connectedIndex = null;
    } else if (this.#failedBeforeConnected < FAILURES_BEFORE_FALLBACK) {
      return;
    }
    this.#transportIndex = (this.#transportIndex + 1) % this.#transports.length;
    this.#failedBeforeConnected = 0;
  }

  /**
   * A reconnect cycle starts (a loss after `connected`, or connect()): if the last `connected` was on a fallback
   * transport, its first attempt is a probe of the first transport (#noteAttempt, rule 2).
   */
  #startCycle() {
    if (this.#connectedIndex !== null && this.#connectedIndex > 0) this.#transportIndex = 0;
  }

  /**
   * @param {{code: number | null, reason: string}} close
   * @param {number | 'backoff'} delay
   */
  #scheduleReconnect(close, delay) {
    const delayMs = delay === 'backoff' ? this.#backoff.next() : delay;
    this.#setState('reconnecting', { code: close.code, reason: close.reason, delayMs, attempt: this.#backoff.attempt });
    if (!this.#running) return;
    this.#clearTimer(this.#reconnectTimer);
    this.#reconnectTimer = this.#later(() => {
      this.#reconnectTimer = null;
      void this.#open();
    }, delayMs);
  }

  /** We give up on the current socket ourselves; it counts as a lost connection (backoff). */
  #abandon(/** @type {string} */ reason) {
    const transport = this.#transport;
    if (!transport) return;
    transport.close(ABANDON_CODE, reason);
    this.#lost({ code: ABANDON_CODE, reason });
  }

  /**
   * Forgets the current socket: what waited for its replies fails with `error`, except outbox
   * entries (their onDrop marks them unsent, for the next socket) and rooms (joined again on it).
   * @param {RoomcastError} error
   */
  #teardown(error) {
    this.#generation += 1;
    for (const timer of [this.#connectTimer, this.#heartbeatTimer, this.#watchdogTimer, this.#refreshTimer, this.#outboxTimer]) {
      this.#clearTimer(timer);
    }
    for (const timer of this.#joinRetryTimers) this.#clearTimer(timer);
    this.#joinRetryTimers.clear();
    this.#connectTimer = this.#heartbeatTimer = this.#watchdogTimer = this.#refreshTimer = this.#outboxTimer = null;
    this.#transport = null;
    this.#connected = false;
    this.#ready = false;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const entry of pending) {
      this.#clearTimer(entry.timer);
      entry.onDrop(error);
    }
    for (const room of this.#rooms.values()) roomControl(room).connectionLost();
  }

  /**
   * No more reconnecting. Queued requests fail; the outbox and wanted rooms stay, for a later
   * connect() (only close() rejects the outbox).
   * @param {{code: number | null, reason: string}} detail
   * @param {RoomcastError} error
   */
  #stop(detail, error) {
    this.#running = false;
    this.#generation += 1;
    this.#clearTimer(this.#reconnectTimer);
    this.#reconnectTimer = null;
    const queued = this.#queue.splice(0);
    for (const item of queued) {
      this.#clearTimer(item.timer);
      item.reject(error);
    }
    this.#setState('disconnected', detail);
  }

  /**
   * @param {ClientState} state
   * @param {unknown} detail
   */
  #setState(state, detail) {
    // 'reconnecting' is announced again for every new attempt, with its delay.
    if (state === this.#state && state !== 'reconnecting') return;
    this.#state = state;
    this.#emitter.emit('state', state, detail);
  }

  // ---- inbound frames ----

  /** @param {any} frame */
  #onFrame(frame) {
    this.#lastReceivedAt = this.#now();
    if (frame.id !== undefined) {
      // A reply. One we no longer wait for (timed out) is dropped.
      const entry = typeof frame.id === 'string' ? this.#pending.get(frame.id) : undefined;
      if (entry) {
        this.#pending.delete(frame.id);
        this.#clearTimer(entry.timer);
        entry.onReply(frame);
      }
      return;
    }
    if (frame.event === 'connected') this.#onConnected(frame);
    else if (frame.event === 'reconnect') {
      const afterMs = frame.data?.afterMs;
      if (typeof afterMs === 'number' && afterMs >= 0) this.#reconnectAt = this.#now() + afterMs;
    }

    const room = typeof frame.room === 'string' ? this.#rooms.get(frame.room) : undefined;
    if (room && !roomControl(room).accept(frame)) return;
    this.#emitter.emit('event', frame);
    if (frame.event === 'error') this.#emitter.emit('error', RoomcastError.fromData(frame.data));
    if (room) roomControl(room).dispatch(frame);
    // A user delivery (no `room` field): the server already took this user's sessions out.
    if (frame.event === 'member.removed' && typeof frame.data?.room === 'string') {
      const removedFrom = this.#rooms.get(frame.data.room);
      if (removedFrom) roomControl(removedFrom).removed(frame.data.reason);
    }
  }

  // ---- outbound ----

  /**
   * @param {string} event
   * @param {unknown} data
   * @param {{onReply(frame: any): void, onDrop(error: RoomcastError): void, timeoutMs?: number, onTimeout?(): void}} handlers
   * @returns {string} the frame's id
   */
  #transmit(event, data, { onReply, onDrop, timeoutMs, onTimeout }) {
    const id = String(++this.#nextId);
    /** @type {PendingReply} */
    const entry = { onReply, onDrop, timer: null };
    if (timeoutMs != null && onTimeout) {
      entry.timer = this.#later(() => {
        if (this.#pending.get(id) !== entry) return;
        this.#pending.delete(id);
        onTimeout();
      }, timeoutMs);
    }
    this.#pending.set(id, entry);
    /** @type {Transport} */ (this.#transport).send(data === undefined ? { event, id } : { event, id, data });
    return id;
  }

  /** @param {RequestItem} item */
  #sendRequest(item) {
    item.id = this.#transmit(item.event, item.data, {
      onReply: (frame) => {
        this.#clearTimer(item.timer);
        if (frame.event === 'error') item.reject(RoomcastError.fromData(frame.data));
        else item.resolve(frame.event === 'pong' ? frame : frame.data);
      },
      onDrop: (error) => {
        this.#clearTimer(item.timer);
        item.reject(error);
      },
    });
  }

  /** Once all rooms are back: the outbox, in order, then what the application asked meanwhile. */
  #becomeReady() {
    this.#ready = true;
    this.#flushOutbox();
    const queued = this.#queue.splice(0);
    for (const item of queued) this.#sendRequest(item);
  }

  /**
   * Joins every room that needs it, then again for rooms whose join() came in meanwhile, and
   * only then lets the outbox go: a message.send to a room not joined yet is FORBIDDEN.
   */
  #rejoin() {
    const rooms = [...this.#rooms.values()].filter((room) => roomControl(room).needsJoin());
    if (rooms.length === 0) {
      this.#becomeReady();
      return;
    }
    const generation = this.#generation;
    let remaining = Math.ceil(rooms.length / MAX_ROOMS_PER_JOIN);
    const chunkDone = () => {
      remaining -= 1;
      if (remaining === 0 && generation === this.#generation) this.#rejoin();
    };
    for (let i = 0; i < rooms.length; i += MAX_ROOMS_PER_JOIN) {
      this.#sendJoin(rooms.slice(i, i + MAX_ROOMS_PER_JOIN), chunkDone);
    }
  }

  /**
   * One join frame, with `since` for every room we can recover (protocol.md 4.2, 5.8).
   * @param {Room[]} rooms
   * @param {(() => void) | null} done called once every room has its outcome
   */
  #sendJoin(rooms, done) {
    const generation = this.#generation;
    const controls = rooms.map(roomControl);
    /** @type {Record<string, {offset: number, epoch: string}>} */
    const since = {};
    const sentSince = controls.map((control, i) => {
      const entry = control.since();
      if (entry) since[rooms[i].name] = entry;
      return entry != null;
    });
    /** @type {{rooms: string[], since?: typeof since}} */
    const data = { rooms: rooms.map((room) => room.name) };
    if (sentSince.some(Boolean)) data.since = since;
    for (const control of controls) control.joinSent();

    this.#transmit('join', data, {
      timeoutMs: this.#requestTimeoutMs,
      // A connection that cannot complete a join is not worth keeping: start over.
      onTimeout: () => this.#abandon('join timed out'),
      onDrop: () => {}, // joined again on the next connection
      onReply: (frame) => {
        if (frame.event === 'error') {
          const error = RoomcastError.fromData(frame.data);
          if (error.code === 'RATE_LIMITED') {
            // Nothing was executed: the same rooms may simply go again.
            for (const control of controls) control.connectionLost();
            const timer = this.#later(() => {
              this.#joinRetryTimers.delete(timer);
              if (generation !== this.#generation) return;
              const again = rooms.filter((room) => roomControl(room).needsJoin());
              if (again.length > 0) this.#sendJoin(again, done);
              else done?.();
            }, Math.max(1, error.retryAfterMs ?? 1000));
            this.#joinRetryTimers.add(timer);
            return;
          }
          for (const control of controls) control.joinFailed(error);
          done?.();
          return;
        }
        const results = Array.isArray(frame.data?.rooms) ? frame.data.rooms : [];
        rooms.forEach((room, i) => {
          // Results come in request order; the name check guards against a server that differs.
          const result = results[i]?.room === room.name ? results[i] : results.find((/** @type {any} */ r) => r?.room === room.name);
          controls[i].joinResult(result, sentSince[i]);
        });
        done?.();
      },
    });
  }

  /** @param {Room} room */
  #sendLeave(room) {
    if (!this.#connected || !this.#transport) return Promise.resolve(); // disconnecting left it already
    return new Promise((resolve, reject) => {
      this.#transmit('leave', { rooms: [room.name] }, {
        timeoutMs: this.#requestTimeoutMs,
        onTimeout: () => reject(new RoomcastError('TIMEOUT', `no reply to leave within ${this.#requestTimeoutMs} ms`)),
        onReply: (frame) => (frame.event === 'error' ? reject(RoomcastError.fromData(frame.data)) : resolve(undefined)),
        onDrop: () => resolve(undefined),
      });
    });
  }

  /**
   * @param {string} room
   * @param {string} text
   * @param {Record<string, unknown>} [extra]
   */
  #sendMessage(room, text, extra) {
    const own = extra?.clientMsgId;
    const clientMsgId = typeof own === 'string' && own !== '' ? own : newClientMsgId();
    const sent = this.#outbox.add({ ...extra, room, text, clientMsgId });
    this.#flushOutbox();
    return sent;
  }

  #flushOutbox() {
    // While paused by RATE_LIMITED, new messages wait behind the earlier ones to keep the order.
    if (!this.#ready || this.#outboxTimer != null) return;
    for (const entry of this.#outbox.unsent()) {
      entry.inFlight = true;
      this.#transmit('message.send', entry.data, {
        onReply: (frame) => {
          if (frame.event !== 'error') {
            this.#outbox.settle(entry, null, frame.data);
            return;
          }
          const error = RoomcastError.fromData(frame.data);
          if (error.code === 'RATE_LIMITED') {
            // Nothing was stored, and the clientMsgId makes a retry safe (protocol.md 5.3).
            entry.inFlight = false;
            this.#pauseOutbox(error.retryAfterMs);
            return;
          }
          this.#outbox.settle(entry, error);
        },
        onDrop: () => {
          entry.inFlight = false;
        },
      });
    }
  }

  /** @param {number | undefined} ms */
  #pauseOutbox(ms) {
    if (this.#outboxTimer != null) return;
    this.#outboxTimer = this.#later(() => {
      this.#outboxTimer = null;
      this.#flushOutbox();
    }, Math.max(1, ms ?? 1000));
  }

  // ---- liveness and token ----

  #startHeartbeat() {
    const beat = () => {
      this.#heartbeatTimer = this.#later(() => {
        this.#transport?.send({ event: 'heartbeat' });
        beat();
      }, this.#heartbeatMs);
    };
    beat();
  }

  /**
   * A half-open TCP connection (a phone changing networks) reports nothing for minutes; silence
   * is the only sign. On a WebSocket the server does not write by itself, so silence first earns
   * a ping, and only a ping left unanswered drops the socket. On SSE the server's `: hb` comments
   * keep the stream alive, but EventSource does not report comments: activity there is any
   * message event, so a quiet stream also earns a ping (one POST) before it is given up. Polling
   * counts every answered request as activity and gives up on failed polls itself.
   */
  #armWatchdog() {
    const silentFor = this.#now() - this.#lastReceivedAt;
    this.#watchdogTimer = this.#later(() => this.#checkSilence(), Math.max(0, 2 * this.#heartbeatMs - silentFor));
  }

  #checkSilence() {
    this.#watchdogTimer = null;
    if (!this.#transport) return;
    if (this.#now() - this.#lastReceivedAt < 2 * this.#heartbeatMs) {
      this.#armWatchdog();
      return;
    }
    this.#transmit('ping', undefined, {
      timeoutMs: this.#heartbeatMs,
      onTimeout: () => this.#abandon('the server stopped answering'),
      onReply: () => this.#armWatchdog(),
      onDrop: () => {},
    });
  }

  /**
   * Refreshes `refreshLeadMs` before exp (at most half the remaining lifetime before, so a
   * short-lived token is not refreshed in a loop). Only with getToken: a static token cannot be
   * replaced, and the server's 4005 then ends the session.
   * @param {number | null} expMs
   */
  #scheduleRefresh(expMs) {
    this.#clearTimer(this.#refreshTimer);
    this.#refreshTimer = null;
    if (!this.#getToken || expMs == null) return;
    const remaining = expMs - this.#now();
    const dueAt = expMs - Math.min(this.#refreshLeadMs, Math.max(0, remaining) / 2);
    const wait = () => {
      const delay = dueAt - this.#now();
      if (delay <= 0) {
        this.#refreshTimer = null;
        void this.#refresh();
        return;
      }
      this.#refreshTimer = this.#later(wait, Math.min(delay, MAX_TIMER_MS));
    };
    wait();
  }

  async #refresh() {
    const generation = this.#generation;
    let token;
    try {
      token = await /** @type {() => string | Promise<string>} */ (this.#getToken)();
      if (typeof token !== 'string' || token === '') throw new TypeError('getToken() must resolve to a non-empty string');
    } catch (cause) {
      if (generation === this.#generation) {
        this.#emitter.emit('error', new RoomcastError('TOKEN_UNAVAILABLE', `could not refresh the token: ${describe(cause)}`, {}, { cause }));
      }
      return;
    }
    if (generation !== this.#generation || !this.#transport) return;
    if (token === this.#token) {
      // Sending it again would change nothing; the server's 4005 will bring a reconnect (and getToken).
      this.#emitter.emit('error', new RoomcastError('TOKEN_UNAVAILABLE', 'getToken() returned the token that is about to expire'));
      return;
    }
    this.#transmit('refresh', { token }, {
      timeoutMs: this.#requestTimeoutMs,
      onTimeout: () => this.#emitter.emit('error', new RoomcastError('TIMEOUT', 'no reply to refresh')),
      onDrop: () => {},
      onReply: (frame) => {
        if (frame.event === 'error') {
          this.#emitter.emit('error', RoomcastError.fromData(frame.data));
          return;
        }
        this.#token = token;
        this.#transport?.setToken(token);
        const exp = frame.data?.exp;
        this.#scheduleRefresh(typeof exp === 'number' ? exp * 1000 : exp === null ? null : tokenExpiryMs(token));
      },
    });
  }
}

/**
 * The transports to use, in order: `transports` as given (each must be available), or by default
 * those of ['websocket', 'sse', 'polling'] this runtime has (Node 20 has no EventSource, so there
 * it is WebSocket, then polling).
 * With `encryption`, polling is left out of the default and refused when named: it has no session to
 * encrypt (protocol.md 12 covers the WebSocket and SSE sessions; the REST API relies on TLS).
 * @param {unknown} wanted
 * @param {Record<TransportName, boolean>} available
 * @param {boolean} encryption
 * @returns {TransportName[]}
 */
function chooseTransports(wanted, available, encryption) {
  if (wanted === undefined) {
    const usable = TRANSPORTS.filter((name) => available[name] && !(encryption && name === 'polling'));
    if (usable.length === 0) {
      throw new TypeError(
        'no WebSocket implementation: pass options.WebSocket (on Node 20, the `ws` package), options.EventSource for the SSE transport, or options.fetch for polling',
      );
    }
    return usable;
  }
  if (!Array.isArray(wanted) || wanted.length === 0) {
    throw new TypeError(`options.transports must be a non-empty array of ${TRANSPORTS.map((t) => `'${t}'`).join(', ')}`);
  }
  const seen = new Set();
  for (const name of wanted) {
    if (!TRANSPORTS.includes(name)) throw new TypeError(`unknown transport ${JSON.stringify(name)} in options.transports`);
    if (seen.has(name)) throw new TypeError(`transport '${name}' is named twice in options.transports`);
    seen.add(name);
    if (encryption && name === 'polling') {
      throw new TypeError("the polling transport cannot be encrypted: leave it out of options.transports with encryption: true");
    }
    if (!available[/** @type {TransportName} */ (name)]) {
      throw new TypeError(
        name === 'websocket'
          ? 'no WebSocket implementation: pass options.WebSocket (on Node 20, the `ws` package)'
          : name === 'sse'
            ? 'the sse transport needs EventSource and fetch: pass options.EventSource (Node 20 has none) and, if missing, options.fetch'
            : 'the polling transport needs fetch: pass options.fetch',
      );
    }
  }
  return /** @type {TransportName[]} */ ([...wanted]);
}

/** @param {unknown} cause */
function describe(cause) {
  return cause instanceof Error ? cause.message : String(cause);
}
