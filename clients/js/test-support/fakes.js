// Test doubles shared by test/*.test.js: a clock whose time moves only when a test says so, and a
// WebSocket class whose instances are driven by the test as a scripted server. Kept outside test/
// because `node --test test/` runs every .js file there.
import { createClient } from '../src/index.js';

/** Lets pending promise callbacks (getToken, awaits in the client) run. */
export const flush = () => new Promise((resolve) => setImmediate(resolve));

export class FakeClock {
  time = 1_700_000_000_000;
  #seq = 0;
  /** @type {{id: number, at: number, fn: () => void}[]} */
  timers = [];

  now = () => this.time;

  setTimeout = (fn, ms) => {
    const id = ++this.#seq;
    this.timers.push({ id, at: this.time + Math.max(0, ms ?? 0), fn });
    return id;
  };

  clearTimeout = (id) => {
    this.timers = this.timers.filter((timer) => timer.id !== id);
  };

  /** Moves time forward, running every timer that falls due on the way, in order. */
  async advance(ms) {
    const target = this.time + ms;
    await flush();
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.fn();
      await flush();
    }
    this.time = target;
    await flush();
  }
}

/**
 * What a test says as the server, whatever the transport: its subclasses keep what the client `sent` and `push` a
 * frame to it.
 */
export class ScriptedServer {
  /** Frames of one event the client sent. */
  frames(event) {
    return this.sent.filter((frame) => frame.event === event);
  }

  last(event) {
    return this.frames(event).at(-1);
  }

  ack(frame, data = {}) {
    this.push({ event: 'ack', id: frame.id, data });
  }

  fail(frame, code, message, extra = {}) {
    this.push({ event: 'error', id: frame.id, data: { code, message, ...extra } });
  }

  /** Acks the last join: every room joined, with history fields for chat rooms. */
  ackJoin(frame = this.last('join'), positions = {}) {
    this.ack(frame, {
      rooms: frame.data.rooms.map((room) => {
        const position = positions[room];
        if (!position) return { room, joined: true };
        return { room, joined: true, missed: 0, recovered: false, ...position };
      }),
    });
  }
}

export function makeWebSocketClass() {
  /** @type {FakeWebSocket[]} */
  const sockets = [];

  class FakeWebSocket extends ScriptedServer {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    /** @param {string} url */
    constructor(url) {
      super();
      this.url = url;
      this.readyState = 0;
      /** frames the client sent, parsed */
      this.sent = [];
      /** @type {{code?: number, reason?: string} | null} */
      this.closedByClient = null;
      this.onopen = null;
      this.onmessage = null;
      this.onclose = null;
      this.onerror = null;
      /** Answer pings by itself, for tests that run long enough to trip the silence check. */
      this.autoPong = false;
      sockets.push(this);
    }

    get token() {
      return new URL(this.url).searchParams.get('access_token');
    }

    send(text) {
      if (this.readyState !== 1) throw new Error(`send on a socket in state ${this.readyState}`);
      const frame = JSON.parse(text);
      this.sent.push(frame);
      if (frame.event === 'ping' && this.autoPong) queueMicrotask(() => this.push({ event: 'pong', id: frame.id }));
    }

    close(code, reason) {
      this.closedByClient = { code, reason };
      this.readyState = 3;
    }

    // ---- the scripted server's side ----

    /** Opens the socket and sends `connected`, as the server does for a token at the handshake. */
    accept({ heartbeatMs = 30000, clientId = `pod.${sockets.indexOf(this) + 1}` } = {}) {
      this.readyState = 1;
      this.onopen?.({});
      this.push({ event: 'connected', data: { id: clientId, userId: 'alice', time: 'now', pod: 'pod', heartbeatMs } });
    }

    push(frame) {
      this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    /** The server (or the network) ends the connection. */
    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onerror?.({});
      this.onclose?.({ code, reason, wasClean: code !== 1006 });
    }

  }

  return { FakeWebSocket, sockets };
}

/**
 * A client wired to a fake clock and fake sockets, with its state changes and errors recorded. The WebSocket only,
 * unless `transports` says otherwise: Node has a real fetch, and the default list would fall back to polling with it.
 */
/**
 * The options every fake-driven client shares: a made-up gateway, a fixed token, the fake clock, and jitter fixed at
 * half the window so that delays are predictable.
 * @param {FakeClock} clock
 */
export function onFakeClock(clock) {
  return {
    url: 'ws://roomcast.test:8080',
    token: 'static-token',
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    now: clock.now,
    random: () => 0.5,
  };
}

/** What a client reports, in order: `state` changes, `error`s and `event` frames. */
export function recordClient(client) {
  const states = [];
  const errors = [];
  const events = [];
  client.on('state', (state, detail) => states.push({ state, detail }));
  client.on('error', (error) => errors.push(error));
  client.on('event', (frame) => events.push(frame));
  return { states, errors, events };
}

export function setup(options = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = makeWebSocketClass();
  const client = createClient({
    transports: ['websocket'],
    WebSocket: FakeWebSocket,
    ...onFakeClock(clock),
    ...options,
  });
  const states = [];
  const errors = [];
  client.on('state', (state, detail) => states.push({ state, detail }));
  client.on('error', (error) => errors.push(error));
  const socket = () => sockets.at(-1);
  /** connect() (if needed) and let the server accept the newest socket. */
  const connect = async (acceptOptions) => {
    if (client.state === 'disconnected') client.connect();
    await flush();
    socket().accept(acceptOptions);
    await flush();
    return socket();
  };
  return { clock, client, sockets, socket, states, errors, connect };
}

/** Builds an unsigned JWT (the client never verifies signatures). */
export function jwt(payload) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

/** Settles a promise into a value we can assert on without awaiting forever. */
export function track(promise) {
  const outcome = { settled: false, value: undefined, error: undefined };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}
