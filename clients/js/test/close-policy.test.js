import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAfterClose } from '../src/close-policy.js';
import { flush, jwt, setup } from '../test-support/fakes.js';

const context = { now: 1000, canRenewToken: true, consecutive4003: 0 };

test('the policy table', () => {
  assert.deepEqual(decideAfterClose({ code: 1001 }, { ...context, reconnectAt: 4000 }), { action: 'reconnect', delay: 3000 });
  assert.deepEqual(decideAfterClose({ code: 1001 }, { ...context, reconnectAt: 500 }), { action: 'reconnect', delay: 0 });
  assert.deepEqual(decideAfterClose({ code: 1001 }, context), { action: 'reconnect', delay: 'backoff' });
  assert.deepEqual(decideAfterClose({ code: 4008 }, context), { action: 'reconnect', delay: 0 });
  assert.deepEqual(decideAfterClose({ code: 4005 }, context), { action: 'reconnect', delay: 0, freshToken: true });
  assert.equal(decideAfterClose({ code: 4005 }, { ...context, canRenewToken: false }).action, 'stop');
  assert.deepEqual(decideAfterClose({ code: 4003 }, { ...context, consecutive4003: 1 }), { action: 'reconnect', delay: 0, freshToken: true });
  assert.equal(decideAfterClose({ code: 4003 }, { ...context, consecutive4003: 2 }).action, 'stop');
  assert.equal(decideAfterClose({ code: 4003 }, { ...context, canRenewToken: false, consecutive4003: 1 }).action, 'stop');
  assert.deepEqual(decideAfterClose({ code: 1008, reason: 'connection limit' }, context), { action: 'stop', reason: 'connection limit' });
  assert.equal(decideAfterClose({ code: 4006 }, context).action, 'stop');
  for (const code of [1000, 1002, 1006, 1009, 1011, 4001, 4002, 4000]) {
    assert.deepEqual(decideAfterClose({ code }, context), { action: 'reconnect', delay: 'backoff' }, `code ${code}`);
  }
});

test('1001 after a reconnect frame: reconnect when afterMs (counted from the frame) has passed, not on the backoff', async () => {
  // A random() of 0.99 would make any backoff delay visible (495 ms).
  const { client, clock, sockets, states, connect } = setup({ random: () => 0.99 });
  await connect();
  sockets[0].push({ event: 'reconnect', data: { afterMs: 3000 } });
  await clock.advance(1000);
  sockets[0].drop(1001, 'server going away');
  assert.equal(client.state, 'reconnecting');
  assert.equal(states.at(-1).detail.delayMs, 2000);
  await clock.advance(1999);
  assert.equal(sockets.length, 1);
  await clock.advance(1);
  assert.equal(sockets.length, 2);

  // The server closes at afterMs: then we come back at once.
  await connect();
  sockets[1].push({ event: 'reconnect', data: { afterMs: 500 } });
  await clock.advance(500);
  sockets[1].drop(1001, 'server going away');
  assert.equal(states.at(-1).detail.delayMs, 0);
  await clock.advance(0);
  assert.equal(sockets.length, 3);
  client.close();
});

test('1001 without a reconnect frame uses the backoff', async () => {
  const { client, states, sockets, connect } = setup();
  await connect();
  sockets[0].drop(1001);
  assert.equal(states.at(-1).detail.delayMs, 250);
  client.close();
});

test('4008 reconnects at once', async () => {
  const { client, clock, sockets, states, connect } = setup({ random: () => 0.99 });
  await connect();
  sockets[0].drop(4008, 'slow consumer');
  assert.deepEqual(states.at(-1), {
    state: 'reconnecting',
    detail: { code: 4008, reason: 'slow consumer', delayMs: 0, attempt: 0 },
  });
  await clock.advance(0);
  assert.equal(sockets.length, 2);
  client.close();
});

test('1008 stops: disconnected with the reason, and no more attempts', async () => {
  const { client, clock, sockets, states, connect } = setup();
  await connect();
  sockets[0].drop(1008, 'too many invalid frames');
  assert.equal(client.state, 'disconnected');
  assert.deepEqual(states.at(-1).detail, { code: 1008, reason: 'too many invalid frames' });
  await clock.advance(10 * 60 * 1000);
  assert.equal(sockets.length, 1);
});

test('4006 stops with its reason, and only a connect() by the application, with a new token, comes back', async () => {
  const tokens = ['revoked-token', 'new-token'];
  let asked = 0;
  const { client, clock, sockets, states, connect } = setup({ token: undefined, getToken: async () => tokens[asked++] });
  await connect();
  sockets[0].drop(4006, 'token revoked');
  assert.equal(client.state, 'disconnected');
  assert.deepEqual(
    { code: states.at(-1).detail.code, reason: states.at(-1).detail.reason },
    { code: 4006, reason: 'token revoked' },
  );
  await clock.advance(60000);
  assert.equal(sockets.length, 1, 'no reconnect of its own, not even with getToken');
  assert.equal(asked, 1);
  await connect();
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1].token, 'new-token');
  assert.equal(client.state, 'connected');
  client.close();
});

test('1006 and 1011 reconnect with the backoff', async () => {
  const { client, clock, sockets, states, connect } = setup();
  await connect();
  sockets[0].drop(1011, 'internal error');
  assert.equal(states.at(-1).detail.delayMs, 250);
  await clock.advance(250);
  assert.equal(sockets.length, 2);
  sockets[1].drop(1006);
  assert.equal(states.at(-1).detail.delayMs, 500, 'no connected in between: the window grew');
  client.close();
});

test('4005 with getToken: a new token, and a reconnect with it', async () => {
  const tokens = ['first', 'second'];
  let calls = 0;
  const { client, clock, sockets, connect } = setup({
    token: undefined,
    getToken: async () => tokens[calls++],
  });
  await connect();
  assert.equal(sockets[0].token, 'first');
  sockets[0].drop(4005, 'token expired');
  assert.equal(client.state, 'reconnecting');
  await clock.advance(0);
  assert.equal(calls, 2);
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1].token, 'second');
  client.close();
});

test('4005 with a static token stops', async () => {
  const { client, states, connect } = setup();
  const socket = await connect();
  socket.drop(4005, 'token expired');
  assert.equal(client.state, 'disconnected');
  assert.deepEqual(states.at(-1).detail, { code: 4005, reason: 'token expired' });
});

test('4003: one new token and a retry; a second 4003 in a row stops', async () => {
  let calls = 0;
  const { client, clock, sockets, states } = setup({ token: undefined, getToken: async () => `t${++calls}` });
  client.connect();
  await flush();
  sockets[0].drop(4003, 'authentication failed');
  assert.equal(client.state, 'reconnecting');
  await clock.advance(0);
  assert.equal(sockets.length, 2);
  assert.equal(sockets[1].token, 't2');
  sockets[1].drop(4003, 'authentication failed');
  assert.equal(client.state, 'disconnected');
  assert.match(states.at(-1).detail.reason, /twice/);
  await clock.advance(60000);
  assert.equal(sockets.length, 2);
});

test('4003 with a static token stops at once', async () => {
  const { client, sockets } = setup();
  client.connect();
  await flush();
  sockets[0].drop(4003, 'authentication failed');
  assert.equal(client.state, 'disconnected');
});

test('close() by the application: 1000, disconnected, no reconnect; connect() starts again', async () => {
  const { client, clock, sockets, connect } = setup();
  await connect();
  client.close();
  assert.deepEqual(sockets[0].closedByClient, { code: 1000, reason: 'normal close' });
  assert.equal(client.state, 'disconnected');
  await clock.advance(60000);
  assert.equal(sockets.length, 1);
  await connect();
  assert.equal(sockets.length, 2);
  assert.equal(client.state, 'connected');
  client.close();
});

test('a getToken that fails is retried on the backoff', async () => {
  let calls = 0;
  const { client, clock, sockets, errors } = setup({
    token: undefined,
    getToken: async () => {
      calls += 1;
      if (calls === 1) throw new Error('auth server down');
      return jwt({ sub: 'alice' });
    },
  });
  client.connect();
  await flush();
  assert.equal(sockets.length, 0);
  assert.equal(client.state, 'reconnecting');
  assert.equal(errors[0].code, 'TOKEN_UNAVAILABLE');
  await clock.advance(250);
  assert.equal(sockets.length, 1);
  client.close();
});

test('a socket that never says connected is given up after requestTimeoutMs', async () => {
  const { client, clock, sockets } = setup({ requestTimeoutMs: 2000 });
  client.connect();
  await flush();
  await clock.advance(2000);
  assert.equal(sockets[0].closedByClient?.code, 4000);
  assert.equal(client.state, 'reconnecting');
  client.close();
});
