import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomcastError } from '../src/index.js';
import { flush, setup, track } from '../test-support/fakes.js';

test('connects with the token in the query and reports connecting then connected', async () => {
  const { client, socket, states, connect } = setup({ token: 'a.b.c' });
  assert.equal(client.state, 'disconnected');
  await connect();
  assert.equal(socket().url, 'ws://roomcast.test:8080/ws?access_token=a.b.c');
  assert.deepEqual(
    states.map((s) => s.state),
    ['connecting', 'connected'],
  );
  assert.equal(states[1].detail.id, 'pod.1');
  assert.equal(states[1].detail.heartbeatMs, 30000);
  client.close();
});

test('a request is resolved with its ack data; ids are distinct strings', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const first = track(client.request('presence.get', { room: 'live:lobby' }));
  const second = track(client.request('read', { room: 'chat:team', offset: 4 }));
  const [a, b] = socket().sent.slice(-2);
  assert.equal(a.event, 'presence.get');
  assert.deepEqual(a.data, { room: 'live:lobby' });
  assert.equal(typeof a.id, 'string');
  assert.equal(typeof b.id, 'string');
  assert.notEqual(a.id, b.id);

  // Replies matched by id, not by order.
  socket().ack(b, { room: 'chat:team', offset: 4, unread: 0 });
  socket().ack(a, { room: 'live:lobby', users: [] });
  await flush();
  assert.deepEqual(first.value, { room: 'live:lobby', users: [] });
  assert.deepEqual(second.value, { room: 'chat:team', offset: 4, unread: 0 });
  client.close();
});

test('ping is resolved with the pong frame', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const pong = track(client.request('ping'));
  const ping = socket().last('ping');
  assert.equal(ping.data, undefined);
  socket().push({ event: 'pong', id: ping.id });
  await flush();
  assert.deepEqual(pong.value, { event: 'pong', id: ping.id });
  client.close();
});

test('an error reply rejects with a RoomcastError carrying code, message and details', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const outcome = track(client.request('presence.get', { room: 'live:lobby' }));
  socket().fail(socket().last('presence.get'), 'RATE_LIMITED', 'rate limit exceeded', { retryAfterMs: 180 });
  await flush();
  assert.ok(outcome.error instanceof RoomcastError);
  assert.equal(outcome.error.code, 'RATE_LIMITED');
  assert.equal(outcome.error.message, 'rate limit exceeded');
  assert.deepEqual(outcome.error.details, { retryAfterMs: 180 });
  assert.equal(outcome.error.retryAfterMs, 180);
  client.close();
});

test('no reply within requestTimeoutMs rejects with TIMEOUT, and a late reply is ignored', async () => {
  const { client, clock, socket, connect } = setup({ requestTimeoutMs: 5000 });
  await connect();
  const outcome = track(client.request('presence.get', { room: 'live:lobby' }));
  await clock.advance(4999);
  assert.equal(outcome.settled, false);
  await clock.advance(1);
  assert.equal(outcome.error?.code, 'TIMEOUT');
  socket().ack(socket().last('presence.get'), { users: [] });
  await flush();
  assert.equal(outcome.value, undefined);
  client.close();
});

test('a drop before the reply rejects with DISCONNECTED', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const outcome = track(client.request('presence.get', { room: 'live:lobby' }));
  socket().drop(1006);
  await flush();
  assert.equal(outcome.error?.code, 'DISCONNECTED');
  assert.equal(outcome.error.details.code, 1006);
  client.close();
});

test('a request before connect() fails at once; one made while reconnecting waits for the connection', async () => {
  const { client, clock, sockets, connect } = setup();
  const early = track(client.request('ping'));
  await flush();
  assert.equal(early.error?.code, 'DISCONNECTED');

  await connect();
  sockets.at(-1).drop(1006);
  const later = track(client.request('presence.get', { room: 'live:lobby' }));
  await clock.advance(250); // backoff: 0.5 * 500
  assert.equal(sockets.length, 2);
  assert.deepEqual(sockets[1].sent, [], 'nothing is sent before connected');
  sockets[1].accept();
  await flush();
  const sent = sockets[1].last('presence.get');
  assert.ok(sent, 'sent once connected');
  sockets[1].ack(sent, { users: [] });
  await flush();
  assert.deepEqual(later.value, { users: [] });
  client.close();
});

test('close() rejects pending requests with CLOSED and closes the socket with 1000', async () => {
  const { client, socket, states, connect } = setup();
  await connect();
  const outcome = track(client.request('presence.get', { room: 'live:lobby' }));
  client.close();
  await flush();
  assert.equal(outcome.error?.code, 'CLOSED');
  assert.deepEqual(socket().closedByClient, { code: 1000, reason: 'normal close' });
  assert.equal(client.state, 'disconnected');
  assert.deepEqual(states.at(-1), { state: 'disconnected', detail: { code: 1000, reason: 'closed by client' } });
});

test('frames without an id reach "event" listeners; error frames without an id also reach "error"', async () => {
  const { client, socket, errors, connect } = setup();
  const events = [];
  const unsubscribe = client.on('event', (frame) => events.push(frame));
  await connect();
  socket().push({ event: 'notification', data: { type: 'mention', room: 'chat:team', messageId: 1 } });
  socket().push({ event: 'error', data: { code: 'FORBIDDEN', message: 'not joined', event: 'typing' } });
  socket().push('not json');
  assert.deepEqual(
    events.map((frame) => frame.event),
    ['connected', 'notification', 'error'],
  );
  assert.deepEqual(
    errors.map((error) => error.code),
    ['FORBIDDEN', 'BAD_FRAME'],
  );
  assert.equal(errors[0].details.event, 'typing');
  unsubscribe();
  socket().push({ event: 'notification', data: {} });
  assert.equal(events.length, 3, 'unsubscribed');
  client.close();
});

test('typing (send) goes out without an id while connected and is dropped, not queued, while offline', async () => {
  const { client, clock, sockets, connect } = setup();
  assert.equal(client.send('typing', { room: 'live:lobby', isTyping: true }), false, 'before connect');
  client.connect();
  await flush();
  sockets[0].readyState = 1; // open, but not authenticated yet: no `connected` frame
  assert.equal(client.send('typing', { room: 'live:lobby', isTyping: true }), false, 'before connected');
  assert.deepEqual(sockets[0].sent, []);
  await connect();
  assert.equal(client.send('typing', { room: 'live:lobby', isTyping: true }), true);
  assert.deepEqual(sockets[0].last('typing'), { event: 'typing', data: { room: 'live:lobby', isTyping: true } });

  sockets[0].drop(1006);
  assert.equal(client.send('typing', { room: 'live:lobby', isTyping: false }), false, 'while reconnecting');
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  assert.deepEqual(sockets[1].frames('typing'), [], 'nothing sent late');
  client.close();
});

test('options are checked', () => {
  assert.throws(() => setup({ url: '' }), TypeError);
  assert.throws(() => setup({ token: undefined }), TypeError);
  assert.throws(() => setup({ WebSocket: 'not a constructor' }), TypeError);
});
