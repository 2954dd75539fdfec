import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flush, setup, track } from '../test-support/fakes.js';

const ROOM = 'chat:team';

/** Connected and in ROOM at offset 10, epoch "e1". */
async function joined(options) {
  const harness = setup(options);
  const room = harness.client.room(ROOM);
  const joining = room.join();
  await harness.connect();
  harness.socket().ackJoin(undefined, { [ROOM]: { offset: 10, epoch: 'e1' } });
  await joining;
  return { ...harness, room };
}

test('sendMessage adds a clientMsgId, resolves with the ack data, and an acked message is never resent', async () => {
  const { client, clock, sockets, socket, room } = await joined();
  const sent = track(room.sendMessage('hello', { threadId: 7 }));
  const frame = socket().last('message.send');
  assert.equal(frame.data.room, ROOM);
  assert.equal(frame.data.text, 'hello');
  assert.equal(frame.data.threadId, 7);
  assert.match(frame.data.clientMsgId, /^[0-9a-f-]{36}$/);
  assert.equal(typeof frame.id, 'string');

  const message = { id: 1, room: ROOM, offset: 11, text: 'hello', clientMsgId: frame.data.clientMsgId };
  socket().ack(frame, { message });
  await flush();
  assert.deepEqual(sent.value, { message });

  socket().drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  sockets[1].ackJoin(undefined, { [ROOM]: { offset: 11, epoch: 'e1', recovered: true } });
  await flush();
  assert.deepEqual(sockets[1].frames('message.send'), [], 'nothing to resend');
  client.close();
});

test('unacked sends survive a drop and are resent in order, with the same clientMsgId, after the rejoin', async () => {
  const { client, clock, sockets, socket, room } = await joined();
  const first = track(room.sendMessage('one'));
  const second = track(room.sendMessage('two'));
  const ids = socket().frames('message.send').map((frame) => frame.data.clientMsgId);
  assert.equal(ids.length, 2);
  assert.notEqual(ids[0], ids[1]);

  socket().drop(1006);
  await flush();
  assert.equal(first.settled, false, 'not rejected by the drop');
  // A message written while offline joins the queue behind them.
  const third = track(room.sendMessage('three', { clientMsgId: 'mine-3' }));

  await clock.advance(250);
  sockets[1].accept();
  await flush();
  assert.deepEqual(
    sockets[1].sent.map((frame) => frame.event),
    ['join'],
    'only the join goes before its ack',
  );
  sockets[1].ackJoin(undefined, { [ROOM]: { offset: 10, epoch: 'e1', recovered: true } });
  await flush();
  const resent = sockets[1].frames('message.send');
  assert.deepEqual(
    resent.map((frame) => [frame.data.text, frame.data.clientMsgId]),
    [
      ['one', ids[0]],
      ['two', ids[1]],
      ['three', 'mine-3'],
    ],
  );
  const joinIndex = sockets[1].sent.findIndex((frame) => frame.event === 'join');
  const firstSend = sockets[1].sent.findIndex((frame) => frame.event === 'message.send');
  assert.ok(joinIndex < firstSend);

  for (const frame of resent) sockets[1].ack(frame, { message: { text: frame.data.text } });
  await flush();
  assert.deepEqual(
    [first.value, second.value, third.value].map((value) => value.message.text),
    ['one', 'two', 'three'],
  );
  client.close();
});

test('an error reply rejects the send and removes it from the outbox', async () => {
  const { client, clock, sockets, socket, room } = await joined();
  const sent = track(room.sendMessage('   '));
  socket().fail(socket().last('message.send'), 'BAD_REQUEST', 'text is blank');
  await flush();
  assert.equal(sent.error?.code, 'BAD_REQUEST');
  socket().drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  sockets[1].ackJoin();
  await flush();
  assert.deepEqual(sockets[1].frames('message.send'), []);
  client.close();
});

test('RATE_LIMITED keeps the send and retries it after retryAfterMs, keeping the order', async () => {
  const { client, clock, socket, room } = await joined();
  const first = track(room.sendMessage('one'));
  const [frame] = socket().frames('message.send');
  socket().fail(frame, 'RATE_LIMITED', 'rate limit exceeded', { retryAfterMs: 300 });
  await flush();
  const second = track(room.sendMessage('two'));
  assert.equal(socket().frames('message.send').length, 1, '"two" waits behind "one"');
  await clock.advance(299);
  assert.equal(socket().frames('message.send').length, 1);
  await clock.advance(1);
  const retried = socket().frames('message.send').slice(1);
  assert.deepEqual(
    retried.map((f) => [f.data.text, f.data.clientMsgId]),
    [
      ['one', frame.data.clientMsgId],
      ['two', retried[1].data.clientMsgId],
    ],
  );
  for (const f of retried) socket().ack(f, { message: { text: f.data.text } });
  await flush();
  assert.equal(first.value.message.text, 'one');
  assert.equal(second.value.message.text, 'two');
  client.close();
});

test('outbox sends do not time out, and close() rejects them with CLOSED', async () => {
  const { client, clock, room } = await joined({ requestTimeoutMs: 1000 });
  const sent = track(room.sendMessage('slow'));
  await clock.advance(1500); // past the request timeout; the server still answers pings
  assert.equal(sent.settled, false);
  client.close();
  await flush();
  assert.equal(sent.error?.code, 'CLOSED');
});

test('a message sent before the first connect goes out after the room is joined', async () => {
  const { client, socket, connect } = setup();
  const room = client.room(ROOM);
  const joining = track(room.join());
  const sent = track(room.sendMessage('early'));
  await connect();
  assert.deepEqual(socket().sent.map((frame) => frame.event), ['join']);
  socket().ackJoin(undefined, { [ROOM]: { offset: 3, epoch: 'e1' } });
  await flush();
  assert.equal(joining.value.joined, true);
  const frame = socket().last('message.send');
  assert.equal(frame.data.text, 'early');
  socket().ack(frame, { message: { text: 'early' } });
  await flush();
  assert.equal(sent.value.message.text, 'early');
  client.close();
});
