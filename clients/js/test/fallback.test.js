// The transport fallback rule (README, Transports): the first transport, once connected, is kept until 6 attempts in
// a row on it end before `connected`; a fallback transport that connected is kept until its connection is lost, and
// every reconnect cycle after that makes one attempt on the first transport before going back to it; while no
// transport is known to work, two attempts in a row that end before `connected` move to the next transport, and
// after the last one back to the first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient } from '../src/index.js';
import { FakeClock, flush, makeWebSocketClass, onFakeClock } from '../test-support/fakes.js';
import { makeRestServer } from '../test-support/rest-fakes.js';
import { makeSseServer } from '../test-support/sse-fakes.js';

/**
 * A client with all three transports (the default list), each one faked, and `attempts`: the transport of every
 * attempt, in order. A polling attempt is counted by its `GET /api/rooms` made while the client is not connected
 * (the poll cycles of a connected session read it too).
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
    if ((init?.method ?? 'GET') === 'GET' && pathname === '/api/rooms' && client.state !== 'connected') attempts.push('polling');
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


/** The start every SSE scenario shares: two WebSocket attempts refused, then an SSE stream that connects. */
async function connectOverSseAfterTwoRefusedUpgrades({ client, streams, nextAttempt, failAttempt }) {
  client.connect();
  await flush();
  failAttempt();
  assert.equal(await nextAttempt(), 'websocket');
  failAttempt();
  assert.equal(await nextAttempt(), 'sse');
  streams.at(-1).accept();
  await flush();
}
test('a WebSocket that connected once is kept through 5 failed attempts in a row, of any kind, and across close()/connect()', async () => {
  const harness = setupAll({ requestTimeoutMs: 2000 });
  const { client, sockets, attempts, nextAttempt } = harness;
  client.connect();
  await flush();
  assert.deepEqual(attempts, ['websocket']);
  sockets[0].accept();
  await flush();
  assert.equal(client.state, 'connected');
  sockets[0].drop(1006); // a pod restart

  // The outage: a refused upgrade, a server error, a socket that never says connected (4000), a pod going away.
  const failures = [
    (socket) => socket.drop(1006),
    (socket) => socket.drop(1011, 'internal error'),
    (socket) => socket.drop(1006),
    () => {}, // held: nextAttempt runs the connect timeout first
    (socket) => socket.drop(1001, 'going away'),
  ];
  for (const fail of failures) {
    assert.equal(await nextAttempt(), 'websocket');
    fail(sockets.at(-1));
  }
  assert.equal(await nextAttempt(), 'websocket', 'one failure short of giving it up');
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

test('a fallback transport that connected (SSE) is kept for the rest of a reconnect cycle after one WebSocket attempt: never polling', async () => {
  const harness = setupAll();
  const { client, rest, sockets, streams, attempts, nextAttempt, failAttempt } = harness;
  await connectOverSseAfterTwoRefusedUpgrades(harness);
  assert.equal(client.state, 'connected');
  assert.equal(harness.states.at(-1).detail.transport, 'sse');

  streams.at(-1).end(); // lost after connected
  assert.equal(await nextAttempt(), 'websocket', 'the reconnect tries the WebSocket once');
  sockets.at(-1).drop(1006);
  for (let i = 0; i < 6; i += 1) {
    assert.equal(await nextAttempt(), 'sse');
    streams.at(-1).refuse(); // and refused, again and again
  }
  assert.equal(await nextAttempt(), 'sse');
  assert.deepEqual(attempts.slice(2), ['sse', 'websocket', ...Array(7).fill('sse')]);
  assert.equal(rest.requests.length, 0, 'polling was never tried');
  streams.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(client.transport, 'sse');

  // connect() starts a reconnect cycle too: one WebSocket attempt, then SSE again.
  client.close();
  client.connect();
  await flush();
  assert.equal(attempts.at(-1), 'websocket');
  sockets.at(-1).drop(1006);
  assert.equal(await nextAttempt(), 'sse');
  assert.equal(sockets.length, 4);
  client.close();
});

test('connected on polling after an outage: the next loss tries the WebSocket once, and a WebSocket that connects is kept', async () => {
  const harness = setupAll();
  const { client, clock, rest, sockets, attempts, nextAttempt, failAttempt } = harness;
  rest.down = true; // the outage: every transport fails
  client.connect();
  await flush();
  for (const next of ['websocket', 'sse', 'sse']) {
    failAttempt();
    assert.equal(await nextAttempt(), next);
  }
  rest.down = false; // the server is back while the client waits to try polling
  failAttempt();
  assert.equal(await nextAttempt(), 'polling');
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(client.transport, 'polling');
  await clock.advance(10_000); // polls, which are no attempts
  assert.equal(client.state, 'connected');
  assert.deepEqual(attempts, ['websocket', 'websocket', 'sse', 'sse', 'polling']);

  rest.down = true; // the polling session is lost (its polls fail)
  assert.equal(await nextAttempt(), 'websocket', 'one WebSocket attempt first');
  assert.equal(harness.delays().at(-1), 250, 'the backoff was reset by connected, as always');
  sockets.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(client.transport, 'websocket');
  assert.equal(harness.states.at(-1).detail.transport, 'websocket');

  // Kept: its next failures (fewer than 6 in a row) stay on the WebSocket.
  sockets.at(-1).drop(1006);
  for (let i = 0; i < 5; i += 1) {
    assert.equal(await nextAttempt(), 'websocket');
    sockets.at(-1).drop(1006);
  }
  assert.equal(await nextAttempt(), 'websocket');
  sockets.at(-1).accept();
  await flush();
  assert.equal(client.transport, 'websocket');
  assert.deepEqual(attempts.slice(5), Array(7).fill('websocket'));
  client.close();
});

test('on a network that blocks the WebSocket: connected on SSE, every loss costs exactly one WebSocket attempt, then SSE', async () => {
  const harness = setupAll();
  const { client, rest, sockets, streams, attempts, nextAttempt, failAttempt } = harness;
  await connectOverSseAfterTwoRefusedUpgrades(harness);
  assert.equal(client.transport, 'sse');

  for (let loss = 0; loss < 3; loss += 1) {
    const from = attempts.length;
    const delaysFrom = harness.delays().length;
    streams.at(-1).end();
    assert.equal(await nextAttempt(), 'websocket');
    if (loss === 1) {
      // A proxy that holds the upgrade: nextAttempt runs the connect timeout (4000), which fails it just the same.
    } else {
      sockets.at(-1).drop(1006);
    }
    assert.equal(await nextAttempt(), 'sse', 'straight back after one failed WebSocket attempt');
    // The SSE attempts of this cycle may fail too: still SSE, neither a second WebSocket attempt nor polling.
    for (let i = 0; i < 2 * loss; i += 1) {
      streams.at(-1).refuse();
      assert.equal(await nextAttempt(), 'sse');
    }
    streams.at(-1).accept();
    await flush();
    assert.equal(client.state, 'connected');
    assert.equal(client.transport, 'sse');
    assert.deepEqual(attempts.slice(from), ['websocket', ...Array(1 + 2 * loss).fill('sse')]);
    // The backoff is unchanged: reset by connected, and growing over the WebSocket attempt and the SSE ones.
    assert.deepEqual(harness.delays().slice(delaysFrom), [250, 500, 1000, 2000, 4000, 8000].slice(0, 2 + 2 * loss));
  }
  assert.equal(sockets.filter((socket) => socket.closedByClient?.code === 4000).length, 1);
  assert.equal(rest.requests.length, 0, 'polling was never tried');
  client.close();
});

test('a WebSocket that connected, then fails 6 times in a row before connected, is given up: SSE x2, polling x2, WebSocket', async () => {
  const harness = setupAll();
  const { client, rest, sockets, streams, attempts, nextAttempt, failAttempt } = harness;
  rest.down = true; // polling attempts fail on the network
  client.connect();
  await flush();
  sockets[0].accept();
  await flush();
  assert.equal(client.transport, 'websocket');

  // Five failures, then a connected: the count starts over.
  sockets[0].drop(1006);
  for (let i = 0; i < 5; i += 1) {
    assert.equal(await nextAttempt(), 'websocket');
    failAttempt();
  }
  assert.equal(await nextAttempt(), 'websocket');
  sockets.at(-1).accept();
  await flush();
  assert.equal(client.state, 'connected');

  // The network now blocks upgrades: six failures in a row, then the rule of a client that never connected.
  sockets.at(-1).drop(1006);
  const from = attempts.length;
  for (let i = 0; i < 6; i += 1) {
    assert.equal(await nextAttempt(), 'websocket');
    failAttempt();
  }
  const seen = [];
  for (let i = 0; i < 7; i += 1) {
    seen.push(await nextAttempt());
    failAttempt();
  }
  assert.deepEqual(seen, ['sse', 'sse', 'polling', 'polling', 'websocket', 'websocket', 'sse']);
  assert.deepEqual(attempts.slice(from), [...Array(6).fill('websocket'), ...seen]);

  // SSE connects: it is a fallback, so the next loss tries the WebSocket once (which the network still blocks).
  assert.equal(await nextAttempt(), 'sse');
  streams.at(-1).accept();
  await flush();
  assert.equal(client.transport, 'sse');
  streams.at(-1).end();
  assert.equal(await nextAttempt(), 'websocket');
  failAttempt();
  assert.equal(await nextAttempt(), 'sse');
  client.close();
});
