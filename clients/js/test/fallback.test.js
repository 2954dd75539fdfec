// The transport fallback rule (README, Transports): a transport that reached `connected` once is kept for good;
// until one has, two attempts in a row that end before `connected` move to the next transport, and after the last
// one back to the first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../src/index.js';
import { FakeClock, flush, makeWebSocketClass, onFakeClock } from '../test-support/fakes.js';
import { makeRestServer } from '../test-support/rest-fakes.js';
import { makeSseServer } from '../test-support/sse-fakes.js';

/**
 * A client with all three transports (the default list), each one faked, and `attempts`: the transport of every
 * attempt, in order. A polling attempt is counted by its `GET /api/rooms` (the tests here never let a polling
 * session connect, so there are no poll cycles to count as well).
 */
function setupAll(options = {}) {
  const clock = new FakeClock();
  const rest = makeRestServer();
  const sse = makeSseServer();
  const { FakeWebSocket, sockets } = makeWebSocketClass();
  /** @type {string[]} */
  const attempts = [];
  class LoggedWebSocket extends FakeWebSocket {
    constructor(url) {
      super(url);
      attempts.push('websocket');
    }
  }
  class LoggedEventSource extends sse.EventSource {
    constructor(url) {
      super(url);
      attempts.push('sse');
    }
  }
  const fetch = (url, init) => {
    const { pathname } = new URL(url);
    if (pathname.startsWith('/sse/')) return sse.fetch(url, init);
    if ((init?.method ?? 'GET') === 'GET' && pathname === '/api/rooms') attempts.push('polling');
    return rest.fetch(url, init);
  };
  const client = createClient({
    WebSocket: LoggedWebSocket,
    EventSource: LoggedEventSource,
    fetch,
    ...onFakeClock(clock),
    ...options,
  });
  const states = [];
  client.on('state', (state, detail) => states.push({ state, detail }));
  client.on('error', () => {});
  /** Runs the clock timer by timer until the client starts its next attempt. */
  const nextAttempt = async () => {
    const before = attempts.length;
    for (let step = 0; step < 20 && attempts.length === before; step += 1) {
      assert.ok(clock.timers.length > 0, 'nothing left on the clock: no further attempt will come');
      const at = Math.min(...clock.timers.map((timer) => timer.at));
      await clock.advance(at - clock.time);
    }
    assert.equal(attempts.length, before + 1, 'exactly one new attempt');
    return attempts.at(-1);
  };
  /** Ends the current attempt before `connected`, the way its transport fails when the server is unreachable. */
  const failAttempt = () => {
    const current = attempts.at(-1);
    if (current === 'websocket') sockets.at(-1).drop(1006);
    else if (current === 'sse') sse.streams.at(-1).refuse();
    else assert.ok(rest.down, 'a polling attempt fails by itself while rest.down');
  };
  const delays = () => states.filter((entry) => entry.state === 'reconnecting').map((entry) => entry.detail.delayMs);
  return { clock, client, rest, sockets, streams: sse.streams, attempts, states, nextAttempt, failAttempt, delays };
}

test('a WebSocket that connected once is kept: any number of failed attempts after it never move to SSE or polling', async () => {
  const harness = setupAll({ requestTimeoutMs: 2000 });
  const { client, sockets, attempts, nextAttempt } = harness;
  client.connect();
  await flush();
  assert.deepEqual(attempts, ['websocket']);
  sockets[0].accept();
  await flush();
  assert.equal(client.state, 'connected');
  sockets[0].drop(1006); // a pod restart

  // The outage: refused upgrades, a server error, a pod that goes away, sockets that never say connected (4000).
  const failures = [
    (socket) => socket.drop(1006),
    (socket) => socket.drop(1011, 'internal error'),
    (socket) => socket.drop(1006),
    () => {}, // held: nextAttempt runs the connect timeout first
    (socket) => socket.drop(1001, 'going away'),
    (socket) => socket.drop(1006),
    () => {},
    (socket) => socket.drop(1006),
    (socket) => socket.drop(1006),
    (socket) => socket.drop(1006),
  ];
  for (const fail of failures) {
    assert.equal(await nextAttempt(), 'websocket');
    fail(sockets.at(-1));
  }
  assert.equal(await nextAttempt(), 'websocket');
  assert.equal(sockets[4].closedByClient?.code, 4000, 'a socket held without connected was given up');
  assert.deepEqual(harness.streams, []);
  assert.equal(attempts.filter((name) => name !== 'websocket').length, 0, 'never SSE, never polling');

  // The server is back: the WebSocket connects again.
  sockets.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(harness.states.at(-1).detail.transport, 'websocket');

  // The knowledge survives close() and connect() (the same client object).
  client.close();
  client.connect();
  await flush();
  sockets.at(-1).drop(1006);
  assert.equal(await nextAttempt(), 'websocket');
  sockets.at(-1).drop(1006);
  assert.equal(await nextAttempt(), 'websocket');
  assert.equal(attempts.filter((name) => name !== 'websocket').length, 0);
  client.close();
});

test('never connected: websocket x2, sse x2, polling x2, then the WebSocket again (wrap); the backoff keeps growing', async () => {
  const harness = setupAll();
  const { client, rest, sockets, attempts, nextAttempt, failAttempt } = harness;
  rest.down = true; // polling attempts fail on the network
  client.connect();
  await flush();
  const seen = [attempts.at(-1)];
  for (let i = 0; i < 8; i += 1) {
    failAttempt();
    seen.push(await nextAttempt());
  }
  assert.deepEqual(seen, ['websocket', 'websocket', 'sse', 'sse', 'polling', 'polling', 'websocket', 'websocket', 'sse']);
  assert.deepEqual(attempts, seen);
  // Full jitter at 0.5 of min(30000, 500 * 2^n): not reset by a move to another transport, capped at maxMs.
  assert.deepEqual(harness.delays(), [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);

  // Round two goes on the same way; then the server is back while the client is on the WebSocket.
  failAttempt();
  assert.equal(await nextAttempt(), 'sse');
  failAttempt();
  assert.equal(await nextAttempt(), 'polling');
  failAttempt();
  assert.equal(await nextAttempt(), 'polling');
  failAttempt();
  assert.equal(await nextAttempt(), 'websocket');
  sockets.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(client.transport, 'websocket');
  assert.equal(harness.states.at(-1).detail.transport, 'websocket');

  // From now on it is kept.
  for (let i = 0; i < 4; i += 1) {
    sockets.at(-1).drop(1006);
    assert.equal(await nextAttempt(), 'websocket');
  }
  client.close();
});

test('never connected, two transports: after the last one the first is tried again', async () => {
  const harness = setupAll({ transports: ['websocket', 'sse'] });
  const { client, attempts, nextAttempt, failAttempt } = harness;
  client.connect();
  await flush();
  for (let i = 0; i < 5; i += 1) {
    failAttempt();
    await nextAttempt();
  }
  assert.deepEqual(attempts, ['websocket', 'websocket', 'sse', 'sse', 'websocket', 'websocket']);
  client.close();
});

test('a fallback transport that connected (SSE) is kept after later failures: never polling, never the WebSocket', async () => {
  const harness = setupAll();
  const { client, rest, streams, attempts, nextAttempt, failAttempt } = harness;
  client.connect();
  await flush();
  failAttempt();
  assert.equal(await nextAttempt(), 'websocket');
  failAttempt();
  assert.equal(await nextAttempt(), 'sse');
  streams.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(harness.states.at(-1).detail.transport, 'sse');

  streams.at(-1).end(); // lost after connected
  for (let i = 0; i < 6; i += 1) {
    assert.equal(await nextAttempt(), 'sse');
    streams.at(-1).refuse(); // and refused, again and again
  }
  assert.equal(await nextAttempt(), 'sse');
  assert.deepEqual(attempts.slice(2), Array(8).fill('sse'));
  assert.equal(rest.requests.length, 0, 'polling was never tried');
  streams.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(client.transport, 'sse');

  client.close();
  client.connect();
  await flush();
  assert.equal(attempts.at(-1), 'sse', 'close() and connect() keep it');
  client.close();
});
