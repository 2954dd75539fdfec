import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flush, setup, track } from '../test-support/fakes.js';

const ROOM = 'chat:team';

test('join keeps offset and epoch from the ack, and persisted events move lastOffset', async () => {
  const { client, socket, connect } = setup();
  const room = client.room(ROOM);
  assert.equal(client.room(ROOM), room, 'one object per name');
  assert.equal(room.state, 'left');
  const joining = track(room.join());
  assert.equal(room.state, 'joining');
  await connect();
  const join = socket().last('join');
  assert.deepEqual(join.data, { rooms: [ROOM] }, 'no since on a first join');
  socket().ackJoin(join, { [ROOM]: { offset: 41, epoch: 'ep1' } });
  await flush();
  assert.equal(room.state, 'joined');
  assert.equal(joining.value.offset, 41);
  assert.equal(room.lastOffset, 41);
  assert.equal(room.epoch, 'ep1');

  const got = [];
  room.on('message.created', (data, frame) => got.push([data.message.id, frame.offset]));
  socket().push({ event: 'message.created', room: ROOM, offset: 42, data: { message: { id: 9 } } });
  assert.deepEqual(got, [[9, 42]]);
  assert.equal(room.lastOffset, 42);
  client.close();
});

test('after a reconnect every joined room is joined again with since, and the replay is delivered without duplicates', async () => {
  const { client, clock, sockets, connect } = setup();
  const chat = client.room(ROOM);
  const live = client.room('live:lobby');
  chat.join();
  live.join();
  await connect();
  // Both joins of the first connection (one frame, since both were asked for before connecting).
  sockets[0].ackJoin(undefined, { [ROOM]: { offset: 1, epoch: 'ep1' } });
  await flush();
  assert.equal(chat.state, 'joined');
  assert.equal(live.state, 'joined');
  sockets[0].push({ event: 'message.created', room: ROOM, offset: 2, data: { message: { id: 2 } } });
  sockets[0].push({ event: 'message.created', room: ROOM, offset: 3, data: { message: { id: 3 } } });
  const seen = [];
  const resets = [];
  chat.on('message.created', (data) => seen.push(data.message.id));
  chat.on('reset', (result) => resets.push(result));

  const roomStates = [];
  chat.on('state', (state) => roomStates.push(state));
  sockets[0].drop(1011, 'internal error');
  assert.equal(chat.state, 'joining');
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  const rejoin = sockets[1].last('join');
  assert.deepEqual(rejoin.data, {
    rooms: [ROOM, 'live:lobby'],
    since: { [ROOM]: { offset: 3, epoch: 'ep1' } },
  });

  sockets[1].ackJoin(rejoin, { [ROOM]: { offset: 5, epoch: 'ep1', recovered: true, missed: 2 } });
  assert.equal(chat.lastOffset, 3, 'a recovery keeps lastOffset until the replay arrives');
  // The replay overlaps what arrived before the drop (3), then continues.
  for (const offset of [3, 4, 5]) {
    sockets[1].push({ event: 'message.created', room: ROOM, offset, data: { message: { id: offset } } });
  }
  sockets[1].push({ event: 'message.created', room: ROOM, offset: 4, data: { message: { id: 4 } } });
  assert.deepEqual(seen, [4, 5], 'replayed events delivered once, older ones ignored');
  assert.equal(chat.lastOffset, 5);
  assert.deepEqual(resets, [], 'no reset when recovered');
  assert.deepEqual(roomStates, ['joining', 'joined']);
  client.close();
});

test('recovered:false emits exactly one reset and continues from the ack position', async () => {
  const { client, clock, sockets, connect } = setup();
  const room = client.room(ROOM);
  room.join();
  await connect();
  sockets[0].ackJoin(undefined, { [ROOM]: { offset: 7, epoch: 'old' } });
  await flush();
  const resets = [];
  const seen = [];
  room.on('reset', (result) => resets.push(result));
  room.on('message.created', (data) => seen.push(data.message.id));

  sockets[0].drop(4008, 'slow consumer');
  await clock.advance(0); // 4008: at once
  sockets[1].accept();
  await flush();
  assert.deepEqual(sockets[1].last('join').data.since, { [ROOM]: { offset: 7, epoch: 'old' } });
  sockets[1].ackJoin(undefined, { [ROOM]: { offset: 3, epoch: 'new', recovered: false, missed: 0 } });
  await flush();
  assert.equal(resets.length, 1);
  assert.equal(resets[0].epoch, 'new');
  assert.equal(room.lastOffset, 3);
  assert.equal(room.epoch, 'new');
  sockets[1].push({ event: 'message.created', room: ROOM, offset: 4, data: { message: { id: 40 } } });
  assert.deepEqual(seen, [40], 'the new history starts above the ack offset, below the old lastOffset');
  client.close();
});

test('a refused join rejects with the per-room error and leaves the room', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const ok = client.room('live:lobby');
  const secret = client.room('chat:secret');
  const joinedOk = track(ok.join());
  const refused = track(secret.join());
  const frames = socket().frames('join');
  assert.equal(frames.length, 2, 'a join() while connected is sent at once');
  socket().ackJoin(frames[0]);
  socket().ack(frames[1], {
    rooms: [{ room: 'chat:secret', joined: false, error: { code: 'FORBIDDEN', message: 'not a member of chat:secret' } }],
  });
  await flush();
  assert.equal(joinedOk.value.joined, true);
  assert.equal(refused.error?.code, 'FORBIDDEN');
  assert.equal(secret.state, 'left');
  client.close();
});

test('a left room is not joined again, and its late events are not delivered', async () => {
  const { client, clock, sockets, connect } = setup();
  const room = client.room('live:lobby');
  room.join();
  await connect();
  sockets[0].ackJoin();
  await flush();
  const left = track(room.leave());
  const leave = sockets[0].last('leave');
  assert.deepEqual(leave.data, { rooms: ['live:lobby'] });
  const seen = [];
  room.on('*', (frame) => seen.push(frame.event));
  sockets[0].push({ event: 'wave', room: 'live:lobby', data: {} });
  sockets[0].ack(leave, { rooms: ['live:lobby'] });
  await flush();
  assert.equal(left.settled, true);
  assert.deepEqual(seen, []);
  assert.equal(room.state, 'left');

  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  assert.deepEqual(sockets[1].frames('join'), []);
  client.close();
});

test('room.deleted and member.removed take the room out of the rejoin set', async () => {
  const { client, clock, sockets, connect } = setup();
  const deleted = client.room('chat:gone');
  const kicked = client.room('chat:kicked');
  const kept = client.room('chat:kept');
  deleted.join();
  kicked.join();
  kept.join();
  await connect();
  sockets[0].ackJoin(undefined, {
    'chat:gone': { offset: 1, epoch: 'a' },
    'chat:kicked': { offset: 1, epoch: 'b' },
    'chat:kept': { offset: 1, epoch: 'c' },
  });
  await flush();
  sockets[0].push({ event: 'room.deleted', room: 'chat:gone', offset: 2, data: { room: 'chat:gone' } });
  sockets[0].push({ event: 'member.removed', data: { room: 'chat:kicked', reason: 'kicked' } });
  assert.equal(deleted.state, 'left');
  assert.equal(kicked.state, 'left');
  assert.equal(kept.state, 'joined');

  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  assert.deepEqual(sockets[1].last('join').data.rooms, ['chat:kept']);
  client.close();
});

test('server events named like local ones reach only "*" listeners', async () => {
  const { client, socket, connect } = setup();
  const room = client.room('live:lobby');
  room.join();
  await connect();
  socket().ackJoin();
  await flush();
  const resets = [];
  const all = [];
  room.on('reset', () => resets.push(1));
  room.on('*', (frame) => all.push(frame.event));
  socket().push({ event: 'reset', room: 'live:lobby', from: { userId: 'mallory', clientId: 'x.1' }, data: {} });
  assert.deepEqual(resets, []);
  assert.deepEqual(all, ['reset']);
  client.close();
});

test('close() leaves every room and rejects a pending join with CLOSED', async () => {
  const { client, connect } = setup();
  await connect();
  const room = client.room(ROOM);
  const joining = track(room.join());
  client.close();
  await flush();
  assert.equal(joining.error?.code, 'CLOSED');
  assert.equal(room.state, 'left');
});

test('a rejoin refused with RATE_LIMITED is retried after retryAfterMs, and the outbox waits for it', async () => {
  const { client, clock, sockets, connect } = setup();
  const room = client.room(ROOM);
  room.join();
  await connect();
  sockets[0].ackJoin(undefined, { [ROOM]: { offset: 1, epoch: 'e' } });
  await flush();
  const sent = track(room.sendMessage('pending'));
  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  sockets[1].fail(sockets[1].last('join'), 'RATE_LIMITED', 'rate limit exceeded', { retryAfterMs: 400 });
  await clock.advance(399);
  assert.equal(sockets[1].frames('join').length, 1);
  assert.deepEqual(sockets[1].frames('message.send'), []);
  await clock.advance(1);
  const retry = sockets[1].frames('join');
  assert.equal(retry.length, 2);
  assert.deepEqual(retry[1].data, { rooms: [ROOM], since: { [ROOM]: { offset: 1, epoch: 'e' } } });
  sockets[1].ackJoin(retry[1], { [ROOM]: { offset: 1, epoch: 'e', recovered: true } });
  await flush();
  assert.equal(room.state, 'joined');
  assert.equal(sockets[1].last('message.send')?.data.text, 'pending');
  client.close();
  await flush();
  assert.equal(sent.error?.code, 'CLOSED');
});

test('more rooms than one join frame may name are joined in frames of 100', async () => {
  const { client, sockets, connect } = setup();
  const rooms = Array.from({ length: 150 }, (_, i) => client.room(`live:r${i}`));
  for (const room of rooms) room.join();
  await connect();
  const frames = sockets[0].frames('join');
  assert.deepEqual(
    frames.map((frame) => frame.data.rooms.length),
    [100, 50],
  );
  for (const frame of frames) sockets[0].ackJoin(frame);
  await flush();
  assert.ok(rooms.every((room) => room.state === 'joined'));
  client.close();
});

test('a join left unanswered gives up the connection and starts over', async () => {
  const { client, clock, sockets, connect } = setup({ requestTimeoutMs: 3000 });
  const joining = track(client.room(ROOM).join());
  await connect();
  await clock.advance(3000);
  assert.equal(sockets[0].closedByClient?.code, 4000);
  assert.equal(client.state, 'reconnecting');
  assert.equal(joining.settled, false, 'the join stays wanted for the next connection');
  client.close();
});
