import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flush, setup, track } from '../test-support/fakes.js';

test('a heartbeat every heartbeatMs from the connected frame', async () => {
  const { client, clock, socket, connect } = setup();
  await connect({ heartbeatMs: 10_000 });
  await clock.advance(9_999);
  assert.deepEqual(socket().frames('heartbeat'), []);
  await clock.advance(1);
  assert.deepEqual(socket().frames('heartbeat'), [{ event: 'heartbeat' }]);
  // The server keeps talking, so no ping is needed, only beats.
  for (let i = 0; i < 3; i += 1) {
    socket().push({ event: 'presence.join', room: 'live:lobby', data: { userId: 'bob' } });
    await clock.advance(10_000);
  }
  assert.equal(socket().frames('heartbeat').length, 4);
  assert.deepEqual(socket().frames('ping'), []);
  client.close();
});

test('a silent server gets a ping after 2 x heartbeatMs; an answered ping keeps the connection', async () => {
  const { client, clock, socket, connect } = setup();
  await connect({ heartbeatMs: 10_000 });
  await clock.advance(19_999);
  assert.deepEqual(socket().frames('ping'), []);
  await clock.advance(1);
  const ping = socket().last('ping');
  assert.equal(typeof ping?.id, 'string');
  await clock.advance(5_000);
  socket().push({ event: 'pong', id: ping.id });
  await clock.advance(10_000);
  assert.equal(client.state, 'connected');
  assert.equal(socket().closedByClient, null);
  // The next probe comes 2 x heartbeatMs after the pong.
  assert.equal(socket().frames('ping').length, 1);
  await clock.advance(10_000);
  assert.equal(socket().frames('ping').length, 2);
  client.close();
});

test('a ping left unanswered for heartbeatMs closes the socket and reconnects on the backoff', async () => {
  const { client, clock, sockets, states, connect } = setup();
  await connect({ heartbeatMs: 10_000 });
  await clock.advance(20_000);
  assert.equal(sockets[0].frames('ping').length, 1);
  await clock.advance(9_999);
  assert.equal(client.state, 'connected');
  await clock.advance(1);
  assert.equal(sockets[0].closedByClient?.code, 4000);
  assert.equal(client.state, 'reconnecting');
  assert.equal(states.at(-1).detail.delayMs, 250);
  await clock.advance(250);
  assert.equal(sockets.length, 2);
  client.close();
});

test('no timers are left after close()', async () => {
  const { client, clock, connect } = setup();
  await connect();
  const joining = track(client.room('live:lobby').join());
  client.request('presence.get', { room: 'live:lobby' }).catch(() => {});
  client.close();
  assert.deepEqual(clock.timers, []);
  await flush();
  assert.equal(joining.error?.code, 'CLOSED');
});
