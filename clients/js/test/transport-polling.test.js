import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientErrorCodes, createClient } from '../src/index.js';
import { DEFAULT_POLL_INTERVAL_MS, FAILED_CYCLES_BEFORE_LOST, PAGE_LIMIT } from '../src/transport-polling.js';
import { FakeClock, flush, jwt, track } from '../test-support/fakes.js';
import { makeRestServer, setupPolling } from '../test-support/rest-fakes.js';

const ROOM = 'chat:team';
const INTERVAL = DEFAULT_POLL_INTERVAL_MS;

/** Connected over polling and in ROOM (one message, offset 1, epoch "e1"), its message.created frames recorded. */
async function joinedPolling(options) {
  const harness = setupPolling(options);
  harness.server.addRoom(ROOM);
  harness.server.post(ROOM, { text: 'before' });
  const room = harness.client.room(ROOM);
  const seen = [];
  room.on('message.created', (data, frame) => seen.push([frame.offset, data.message.text]));
  const joining = track(room.join());
  await harness.connect();
  await flush();
  assert.equal(room.state, 'joined');
  return { ...harness, room, seen, joining };
}

/** Every request of the polls that ran in `ms` of fake time. */
async function requestsDuring(harness, ms) {
  const before = harness.server.requests.length;
  await harness.clock.advance(ms);
  return harness.server.requests.slice(before).map((request) => `${request.method} ${request.path}${request.query.size ? `?${request.query}` : ''}`);
}

/** Polls fail on the network until the session is given up (backoff between the failed cycles). */
async function losePollingSession(harness) {
  harness.server.down = true;
  for (let i = 1; i <= FAILED_CYCLES_BEFORE_LOST; i += 1) await harness.clock.advance(INTERVAL * 2 ** (i - 1));
  assert.equal(harness.client.state, 'reconnecting');
  harness.server.down = false;
}

// ---- opening ----

test("transports: ['polling'] opens with two GETs carrying the Bearer token, and synthesizes connected", async () => {
  const token = jwt({ sub: 'alice' });
  const { client, clock, server, states, events } = setupPolling({ token, url: 'wss://chat.example.com/' });
  client.connect();
  await flush();
  assert.equal(client.transport, 'polling');
  assert.deepEqual(
    server.requests.map((request) => `${request.method} ${request.url}`),
    ['GET https://chat.example.com/api/rooms', 'GET https://chat.example.com/api/notifications'],
  );
  for (const request of server.requests) {
    assert.equal(request.headers.get('authorization'), `Bearer ${token}`);
    assert.ok(!request.url.includes(token), 'never in the URL');
  }
  await flush();
  assert.equal(client.state, 'connected');
  const { detail } = states.at(-1);
  assert.match(detail.id, /^poll-[a-z0-9]+$/);
  assert.deepEqual(
    { ...detail, id: 'ID' },
    { id: 'ID', userId: 'alice', time: '2023-11-15T08:00:00.000Z', pod: '', heartbeatMs: 30_000, transport: 'polling' },
  );
  assert.deepEqual(
    events.map((frame) => frame.event),
    ['connected'],
  );

  // Polls at the interval, GETs only: no heartbeat, no ping while polls are answered.
  assert.deepEqual(await requestsDuring({ clock, server }, INTERVAL - 1), []);
  assert.deepEqual(await requestsDuring({ clock, server }, 1), ['GET /api/rooms', 'GET /api/notifications']);
  await clock.advance(120_000);
  assert.ok(server.requests.every((request) => request.method === 'GET' && !request.path.startsWith('/sse')));
  assert.equal(client.state, 'connected');
  client.close();
});

test('opening: a 401 ends the attempt like close 4003, a failed request like a lost connection (1006)', async () => {
  const refused = setupPolling();
  refused.server.revoked.add('static-token');
  await refused.connect();
  assert.equal(refused.errors.at(-1).code, 'AUTH_REQUIRED');
  assert.equal(refused.client.state, 'disconnected', 'a static token that is refused: no loop');
  assert.equal(refused.states.at(-1).detail.code, 4003);

  const unreachable = setupPolling();
  unreachable.server.down = true;
  await unreachable.connect();
  assert.equal(unreachable.client.state, 'reconnecting');
  assert.equal(unreachable.states.at(-1).detail.code, 1006);
  assert.match(unreachable.states.at(-1).detail.reason, /fetch failed/);
  unreachable.server.down = false;
  await unreachable.clock.advance(250);
  assert.equal(unreachable.client.state, 'connected');
  unreachable.client.close();
});

test('pollIntervalMs sets the interval and must be a positive number', async () => {
  const harness = setupPolling({ pollIntervalMs: 5000 });
  await harness.connect();
  assert.deepEqual(await requestsDuring(harness, 4999), []);
  assert.equal((await requestsDuring(harness, 1)).length, 2);
  harness.client.close();
  for (const pollIntervalMs of [0, -1, Number.NaN, Infinity, '2000']) {
    assert.throws(() => createClient({ url: 'ws://x', token: 't', fetch: async () => {}, pollIntervalMs }), TypeError);
  }
  const realFetch = globalThis.fetch;
  globalThis.fetch = undefined;
  try {
    assert.throws(() => createClient({ url: 'ws://x', token: 't', transports: ['polling'] }), /the polling transport needs fetch/);
  } finally {
    globalThis.fetch = realFetch;
  }
});

// ---- join, messages, recovery ----

test('join acks the position from GET /api/rooms; new messages are polled once, in offset order', async () => {
  const harness = await joinedPolling();
  const { server, room, seen, joining } = harness;
  assert.deepEqual(joining.value, { room: ROOM, joined: true, offset: 1, epoch: 'e1', recovered: false, missed: 0 });
  assert.equal(room.lastOffset, 1);
  assert.deepEqual(seen, [], 'what was there before the join is history, not news');
  assert.deepEqual(server.requestsTo(/\/messages$/), [], 'a listed room needs no GET of its own');

  // An idle room costs nothing per cycle.
  assert.deepEqual(await requestsDuring(harness, INTERVAL), ['GET /api/rooms', 'GET /api/notifications']);

  server.post(ROOM, { text: 'a' }); // 2
  server.bump(ROOM); // 3: a reaction, which polling cannot see
  server.post(ROOM, { text: 'b' }); // 4
  assert.deepEqual(await requestsDuring(harness, INTERVAL), [
    'GET /api/rooms',
    'GET /api/notifications',
    `GET /api/rooms/${ROOM}/messages?after=1&limit=${PAGE_LIMIT}`,
  ]);
  assert.deepEqual(seen, [
    [2, 'a'],
    [4, 'b'],
  ]);
  assert.equal(room.lastOffset, 4);

  // Nothing new: no messages request, nothing delivered twice.
  server.bump(ROOM); // 5
  assert.deepEqual(await requestsDuring(harness, INTERVAL), [
    'GET /api/rooms',
    'GET /api/notifications',
    `GET /api/rooms/${ROOM}/messages?after=4&limit=${PAGE_LIMIT}`,
  ]);
  assert.deepEqual(await requestsDuring(harness, INTERVAL), ['GET /api/rooms', 'GET /api/notifications']);
  server.post(ROOM, { text: 'c' }); // 6
  await harness.clock.advance(INTERVAL);
  assert.deepEqual(seen, [
    [2, 'a'],
    [4, 'b'],
    [6, 'c'],
  ]);
  harness.client.close();
});

test('a backlog is read in pages of 200, in order, each message once', async () => {
  const harness = await joinedPolling();
  for (let i = 0; i < 450; i += 1) harness.server.post(ROOM, { text: `m${i}` });
  const requests = await requestsDuring(harness, INTERVAL);
  assert.deepEqual(
    requests.filter((line) => line.includes('/messages')),
    [1, 201, 401].map((after) => `GET /api/rooms/${ROOM}/messages?after=${after}&limit=200`),
  );
  assert.equal(harness.seen.length, 450);
  assert.deepEqual(
    harness.seen.map(([offset]) => offset),
    Array.from({ length: 450 }, (_, i) => i + 2),
  );
  harness.client.close();
});

test('one request per room at a time: a slow page holds back the next poll of that room', async () => {
  const harness = await joinedPolling({ requestTimeoutMs: 60_000 });
  const { server, clock, seen } = harness;
  server.post(ROOM, { text: 'slow' });
  server.answerNext({ path: `/api/rooms/${ROOM}/messages` }, 'hold');
  await clock.advance(INTERVAL);
  server.post(ROOM, { text: 'later' });
  await clock.advance(10 * INTERVAL);
  assert.equal(server.requestsTo(`/api/rooms/${ROOM}/messages`).length, 1);
  server.held[0].release();
  await flush();
  assert.deepEqual(seen, [
    [2, 'slow'],
    [3, 'later'],
  ]);
  await clock.advance(INTERVAL);
  assert.deepEqual(seen.length, 2);
  harness.client.close();
});

test('a rejoin with since replays the missed messages after the ack, in order: recovered:true', async () => {
  const harness = await joinedPolling();
  const { server, clock, room } = harness;
  const order = [];
  room.on('state', (state, detail) => order.push(`state ${state} ${detail?.recovered ?? ''}`));
  room.on('message.created', (data, frame) => order.push(`message ${frame.offset}`));
  const resets = [];
  room.on('reset', (result) => resets.push(result));

  await losePollingSession(harness);
  server.post(ROOM, { text: 'missed 1' }); // 2
  server.bump(ROOM); // 3
  server.post(ROOM, { text: 'missed 2' }); // 4
  await clock.advance(250); // the reconnect
  await clock.advance(0);
  assert.equal(harness.client.state, 'connected');
  assert.deepEqual(order, ['state joining ', 'state joined true', 'message 2', 'message 4']);
  assert.equal(room.lastOffset, 4);
  assert.deepEqual(resets, []);
  const { detail } = harness.states.filter((s) => s.state === 'connected').at(-1);
  assert.equal(detail.transport, 'polling');
  await clock.advance(INTERVAL);
  assert.deepEqual(
    harness.seen.map(([offset]) => offset),
    [2, 4],
    'delivered once',
  );
  harness.client.close();
});

test('a rejoin after the room was created again (new epoch) answers recovered:false: the room resets', async () => {
  const harness = await joinedPolling();
  const { server, clock, room } = harness;
  const resets = [];
  room.on('reset', (result) => resets.push(result));
  await losePollingSession(harness);
  server.recreate(ROOM, 'e2');
  server.post(ROOM, { text: 'new world' });
  await clock.advance(250);
  await clock.advance(0);
  assert.equal(resets.length, 1);
  assert.deepEqual(resets[0], { room: ROOM, joined: true, offset: 1, epoch: 'e2', recovered: false, missed: 0 });
  assert.equal(room.epoch, 'e2');
  assert.equal(room.lastOffset, 1);
  server.post(ROOM, { text: 'after' });
  await clock.advance(INTERVAL);
  assert.deepEqual(harness.seen, [[2, 'after']]);
  harness.client.close();
});

test('a rejoin more than 1000 events behind answers recovered:false, as the server would', async () => {
  const harness = await joinedPolling();
  const resets = [];
  harness.room.on('reset', (result) => resets.push(result));
  await losePollingSession(harness);
  harness.server.bump(ROOM, 1001);
  await harness.clock.advance(250);
  assert.equal(resets.length, 1);
  assert.equal(resets[0].offset, 1002);
  harness.client.close();
});

test('a joined room created again while polled gets room.deleted, and is left', async () => {
  const harness = await joinedPolling();
  harness.server.recreate(ROOM, 'e2');
  await harness.clock.advance(INTERVAL);
  assert.equal(harness.room.state, 'left');
  assert.deepEqual(harness.events.at(-1), { event: 'room.deleted', room: ROOM, data: { room: ROOM } });
  harness.client.close();
});

test('a room that is not listed (an admin) is read with GET /api/rooms/{room}, and polled every cycle', async () => {
  const harness = setupPolling();
  harness.server.addRoom('chat:ops', { members: ['bob'] });
  harness.server.admin = true;
  const joining = track(harness.client.room('chat:ops').join());
  await harness.connect();
  await flush();
  assert.equal(joining.value.joined, true);
  assert.equal(harness.server.requestsTo('/api/rooms/chat:ops').length, 1);
  assert.equal(harness.server.requestsTo('/api/rooms/chat:ops').at(0).url, 'http://roomcast.test:8080/api/rooms/chat:ops');
  assert.equal((await requestsDuring(harness, INTERVAL)).filter((line) => line.includes('chat:ops/messages')).length, 1);
  assert.equal((await requestsDuring(harness, INTERVAL)).filter((line) => line.includes('chat:ops/messages')).length, 1);
  harness.client.close();
});

test('join refusals are per room: NOT_FOUND, FORBIDDEN from the API; other namespaces UNSUPPORTED_TRANSPORT', async () => {
  const harness = setupPolling();
  harness.server.addRoom('chat:secret', { members: ['bob'] });
  await harness.connect();
  const outcomes = {};
  for (const name of ['chat:nope', 'chat:secret', 'live:lobby']) {
    harness.client
      .room(name)
      .join()
      .catch((error) => (outcomes[name] = error.code));
  }
  await flush();
  await flush();
  assert.deepEqual(outcomes, { 'chat:nope': 'NOT_FOUND', 'chat:secret': 'FORBIDDEN', 'live:lobby': 'UNSUPPORTED_TRANSPORT' });
  assert.equal(harness.client.room('live:lobby').state, 'left');
  assert.equal(harness.client.state, 'connected');
  harness.client.close();
});

test('rooms past the default room limit (100) are refused LIMIT_EXCEEDED, which bounds every poll', async () => {
  const harness = setupPolling();
  const names = Array.from({ length: 101 }, (_, i) => `chat:r${String(i).padStart(3, '0')}`);
  for (const name of names) harness.server.addRoom(name);
  const outcomes = names.map((name) => track(harness.client.room(name).join()));
  await harness.connect();
  await flush();
  await flush();
  assert.equal(outcomes.filter((outcome) => outcome.value?.joined === true).length, 100);
  assert.equal(outcomes[100].error?.code, 'LIMIT_EXCEEDED');
  for (const name of names) harness.server.post(name);
  const requests = await requestsDuring(harness, INTERVAL);
  assert.equal(requests.filter((line) => line.includes('/messages')).length, 100);
  assert.ok(!requests.some((line) => line.includes('chat:r100/')));
  harness.client.close();
});

test('leave stops polling the room', async () => {
  const harness = await joinedPolling();
  await harness.room.leave();
  harness.server.post(ROOM, { text: 'unseen' });
  const requests = await requestsDuring(harness, 3 * INTERVAL);
  assert.ok(!requests.some((line) => line.includes('/messages')), requests.join(', '));
  assert.deepEqual(harness.seen, []);
  harness.client.close();
});

// ---- sending ----

test('message.send is POSTed with the outbox clientMsgId and acked; its message.created comes from the next poll', async () => {
  const harness = await joinedPolling();
  const { server, room, seen } = harness;
  const sent = track(room.sendMessage('  hello  ', { threadId: 7 }));
  await flush();
  const [post] = server.requestsTo(`/api/rooms/${ROOM}/messages`, 'POST');
  assert.equal(post.url, `http://roomcast.test:8080/api/rooms/${ROOM}/messages`);
  assert.equal(post.headers.get('authorization'), 'Bearer static-token');
  assert.equal(post.headers.get('content-type'), 'application/json');
  assert.match(post.body.clientMsgId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(post.body, { text: '  hello  ', clientMsgId: post.body.clientMsgId, threadId: 7 });
  await flush();
  assert.equal(sent.value.message.text, 'hello');
  assert.equal(sent.value.message.offset, 2);
  // Polled at once, not at the next interval.
  await harness.clock.advance(0);
  assert.deepEqual(seen, [[2, 'hello']]);
  harness.client.close();
});

test('a send whose answer is lost ends the session; the outbox sends it again with the same clientMsgId, stored once', async () => {
  const harness = await joinedPolling();
  const { server, clock, room, seen, states } = harness;
  server.answerNext({ method: 'POST' }, 'lost');
  const sent = track(room.sendMessage('once'));
  await flush();
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.equal(states.at(-1).detail.code, 1006);
  assert.equal(sent.settled, false, 'a lost connection never rejects an outbox send');
  await clock.advance(250);
  await clock.advance(0);
  const posts = server.requestsTo(`/api/rooms/${ROOM}/messages`, 'POST');
  assert.equal(posts.length, 2);
  assert.equal(posts[1].body.clientMsgId, posts[0].body.clientMsgId);
  assert.equal(sent.value.message.text, 'once');
  assert.equal(server.rooms.get(ROOM).messages.length, 2, 'the first message and this one, once');
  assert.deepEqual(seen, [[2, 'once']]);
  harness.client.close();
});

test('a send refused with a problem rejects with its code; 429 pauses the outbox for Retry-After', async () => {
  const harness = await joinedPolling();
  const { server, clock, room } = harness;
  const refused = track(room.sendMessage('   '));
  await flush();
  await flush();
  assert.equal(refused.error?.code, 'BAD_REQUEST');
  assert.equal(refused.error?.details.status, 400);

  server.answerNext({ method: 'POST' }, { status: 429, problem: { code: 'RATE_LIMITED', message: 'slow down' }, retryAfter: '3' });
  const later = track(room.sendMessage('patience'));
  await flush();
  await flush();
  const posts = () => server.requestsTo(`/api/rooms/${ROOM}/messages`, 'POST');
  assert.equal(posts().length, 2);
  await clock.advance(2999);
  assert.equal(posts().length, 2);
  await clock.advance(1);
  assert.equal(posts().length, 3);
  assert.equal(posts()[2].body.clientMsgId, posts()[1].body.clientMsgId);
  await flush();
  assert.equal(later.value.message.text, 'patience');
  assert.equal(harness.client.state, 'connected');
  harness.client.close();
});

// ---- answers: 401, 429, failures ----

test('a poll answered 401 is reported and ends the session like close 4003: getToken again, at once', async () => {
  let calls = 0;
  const harness = setupPolling({ token: undefined, getToken: async () => `token-${++calls}` });
  await harness.connect();
  assert.equal(harness.client.state, 'connected');
  harness.server.revoked.add('token-1');
  await harness.clock.advance(INTERVAL);
  assert.equal(harness.errors.at(-1).code, 'AUTH_REQUIRED');
  const reconnecting = harness.states.filter((entry) => entry.state === 'reconnecting');
  assert.deepEqual(reconnecting, [
    { state: 'reconnecting', detail: { code: 4003, reason: 'a valid bearer token is required', delayMs: 0, attempt: 0 } },
  ]);
  await flush();
  assert.equal(calls, 2);
  assert.equal(harness.client.state, 'connected');
  assert.ok(harness.server.requests.slice(-2).every((request) => request.token === 'token-2'));
  harness.client.close();
});

test('a poll answered 429 holds every poll for Retry-After, without an error', async () => {
  const harness = await joinedPolling();
  harness.server.answerNext({ path: '/api/rooms' }, { status: 429, problem: { code: 'RATE_LIMITED', message: 'too many requests' }, retryAfter: '5' });
  harness.server.post(ROOM, { text: 'waits' });
  assert.equal((await requestsDuring(harness, INTERVAL)).length, 2);
  assert.deepEqual(await requestsDuring(harness, 4999), []);
  assert.deepEqual(await requestsDuring(harness, 1), [
    'GET /api/rooms',
    'GET /api/notifications',
    `GET /api/rooms/${ROOM}/messages?after=1&limit=200`,
  ]);
  assert.deepEqual(harness.seen, [[2, 'waits']]);
  assert.deepEqual(harness.errors, []);
  assert.equal(harness.client.state, 'connected');
  harness.client.close();
});

test('failed polls back off (4 s, 8 s) and, three cycles in a row, end the session as lost (1006, backoff)', async () => {
  const harness = await joinedPolling();
  harness.server.down = true;
  assert.equal((await requestsDuring(harness, INTERVAL)).length, 2);
  assert.deepEqual(await requestsDuring(harness, 2 * INTERVAL - 1), []);
  assert.equal((await requestsDuring(harness, 1)).length, 2);
  assert.equal(harness.client.state, 'connected');
  assert.deepEqual(await requestsDuring(harness, 4 * INTERVAL - 1), []);
  assert.equal((await requestsDuring(harness, 1)).length, 2);
  assert.equal(harness.states.at(-1).state, 'reconnecting');
  assert.equal(harness.states.at(-1).detail.code, 1006);
  assert.match(harness.states.at(-1).detail.reason, /polling failed 3 times in a row/);
  harness.client.close();
});

test('a request without an answer within requestTimeoutMs fails it', async () => {
  const harness = await joinedPolling({ requestTimeoutMs: 3000 });
  harness.server.answerNext({ path: '/api/rooms/chat:team/presence' }, 'hold');
  harness.client.request('presence.get', { room: ROOM }).catch(() => {});
  await harness.clock.advance(2999);
  assert.equal(harness.client.state, 'connected');
  await harness.clock.advance(1);
  assert.equal(harness.states.at(-1).detail.code, 1006);
  assert.match(harness.states.at(-1).detail.reason, /no answer within 3000 ms/);
  assert.equal(harness.server.held[0].request.signal?.aborted, true, 'the request is cancelled');
  harness.client.close();
});

// ---- user deliveries ----

test('notifications: those there at the start are not news; each new one is emitted once, oldest first', async () => {
  const harness = setupPolling();
  harness.server.notify({ messageId: 1 });
  await harness.connect();
  harness.server.notify({ messageId: 2, from: 'carol' });
  harness.server.notify({ messageId: 3 });
  await harness.clock.advance(INTERVAL);
  const notifications = () => harness.events.filter((frame) => frame.event === 'notification');
  assert.deepEqual(notifications(), [
    { event: 'notification', data: { type: 'mention', room: ROOM, messageId: 2, from: 'carol' } },
    { event: 'notification', data: { type: 'mention', room: ROOM, messageId: 3, from: 'bob' } },
  ]);
  await harness.clock.advance(3 * INTERVAL);
  assert.equal(notifications().length, 2);
  harness.server.notify({ messageId: 4 });
  await harness.clock.advance(INTERVAL);
  assert.deepEqual(
    notifications().map((frame) => frame.data.messageId),
    [2, 3, 4],
  );
  harness.client.close();
});

test('membership from GET /api/rooms: member.added, member.removed without a reason, room.deleted for a joined room', async () => {
  const harness = await joinedPolling();
  const { server, clock, events } = harness;
  const userEvents = () => events.filter((frame) => frame.event.startsWith('member.') || frame.event === 'room.deleted');
  server.addRoom('chat:new');
  await clock.advance(INTERVAL);
  assert.deepEqual(userEvents(), [{ event: 'member.added', data: { room: 'chat:new' } }]);
  server.rooms.get('chat:new').members.delete('alice');
  await clock.advance(INTERVAL);
  assert.deepEqual(userEvents().at(-1), { event: 'member.removed', data: { room: 'chat:new' } });

  // A joined room that leaves the list is read once more: deleted (404) or the user removed (403).
  server.rooms.delete(ROOM);
  await clock.advance(INTERVAL);
  assert.deepEqual(userEvents().at(-1), { event: 'room.deleted', room: ROOM, data: { room: ROOM } });
  assert.equal(harness.room.state, 'left');
  assert.equal(userEvents().length, 3);
  await clock.advance(3 * INTERVAL);
  assert.equal(userEvents().length, 3, 'each change reported once');
  harness.client.close();
});

test('a joined room the user was kicked from (403): member.removed without a reason, and the room is left', async () => {
  const harness = await joinedPolling();
  const roomStates = [];
  harness.room.on('state', (state, detail) => roomStates.push([state, detail.reason]));
  harness.server.rooms.get(ROOM).members.delete('alice');
  await harness.clock.advance(INTERVAL);
  assert.equal(harness.server.requestsTo(`/api/rooms/${ROOM}/messages`).length, 1, 'read once more, to tell a kick from a deletion');
  assert.deepEqual(harness.events.at(-1), { event: 'member.removed', data: { room: ROOM } });
  assert.deepEqual(roomStates, [['left', 'removed']]);
  await harness.clock.advance(3 * INTERVAL);
  assert.equal(harness.server.requestsTo(`/api/rooms/${ROOM}/messages`).length, 1);
  assert.equal(harness.events.filter((frame) => frame.event === 'member.removed').length, 1);
  harness.client.close();
});

test('a joined room the user was removed from but can still read (an admin): its last messages, then member.removed', async () => {
  const harness = await joinedPolling();
  const roomStates = [];
  harness.room.on('state', (state, detail) => roomStates.push([state, detail.reason]));
  harness.server.post(ROOM, { text: 'goodbye' });
  harness.server.admin = true; // still readable, no longer a member
  harness.server.rooms.get(ROOM).members.delete('alice');
  await harness.clock.advance(INTERVAL);
  assert.deepEqual(harness.seen, [[2, 'goodbye']]);
  assert.deepEqual(harness.events.at(-1), { event: 'member.removed', data: { room: ROOM } });
  assert.deepEqual(roomStates, [['left', 'removed']]);
  harness.client.close();
});

// ---- other requests ----

test('presence.get is GET /api/rooms/{room}/presence; ping is answered; refresh tries the new token first', async () => {
  const start = new FakeClock().time;
  const exp = (ms) => Math.floor((start + ms) / 1000);
  const issued = [jwt({ sub: 'alice', exp: exp(120_000) }), jwt({ sub: 'alice', exp: exp(600_000) })];
  let calls = 0;
  const harness = setupPolling({ token: undefined, getToken: async () => issued[calls++] });
  harness.server.addRoom(ROOM);
  harness.server.presence.set(ROOM, [{ userId: 'bob', clients: 1, since: 'then' }]);
  await harness.connect();
  const presence = track(harness.client.request('presence.get', { room: ROOM }));
  const pong = track(harness.client.request('ping'));
  await flush();
  await flush();
  assert.deepEqual(presence.value, { room: ROOM, users: [{ userId: 'bob', clients: 1, since: 'then' }] });
  assert.equal(pong.value.event, 'pong');

  await harness.clock.advance(90_000); // the refresh is due 30 s before exp
  const tried = harness.server.requests.find((request) => request.token === issued[1]);
  assert.equal(tried?.path, '/api/rooms');
  await harness.clock.advance(INTERVAL);
  assert.ok(harness.server.requests.slice(-2).every((request) => request.token === issued[1]), 'polls carry the new token');
  assert.equal(harness.client.state, 'connected');
  harness.client.close();
});

test('refresh with a token the API refuses: AUTH_REQUIRED is reported, and the session keeps its token', async () => {
  const start = new FakeClock().time;
  const exp = (ms) => Math.floor((start + ms) / 1000);
  const issued = [jwt({ sub: 'alice', exp: exp(120_000) }), jwt({ sub: 'alice', exp: exp(600_000) })];
  let calls = 0;
  const harness = setupPolling({ token: undefined, getToken: async () => issued[calls++] });
  harness.server.revoked.add(issued[1]);
  await harness.connect();
  await harness.clock.advance(90_000);
  assert.equal(harness.errors.at(-1)?.code, 'AUTH_REQUIRED');
  assert.equal(harness.server.requests.filter((request) => request.token === issued[1]).length, 1, 'tried once');
  await harness.clock.advance(INTERVAL);
  assert.ok(harness.server.requests.slice(-2).every((request) => request.token === issued[0]));
  assert.equal(harness.client.state, 'connected');
  harness.client.close();
});

test('what REST cannot do is refused with UNSUPPORTED_TRANSPORT, never lost silently; typing is dropped', async () => {
  const harness = await joinedPolling();
  const { client, server, errors } = harness;
  assert.equal(ClientErrorCodes.UNSUPPORTED_TRANSPORT, 'UNSUPPORTED_TRANSPORT');
  const before = server.requests.length;
  const outcomes = {};
  for (const [event, data] of [
    ['message.edit', { messageId: 1, text: 'x' }],
    ['reaction.add', { messageId: 1, emoji: 'x' }],
    ['read', { room: ROOM, offset: 1 }],
    ['publish', { room: 'live:lobby', event: 'wave' }],
    ['typing', { room: ROOM, isTyping: true }],
    ['custom.thing', {}],
  ]) {
    client.request(event, data).catch((error) => (outcomes[event] = error.code));
  }
  await flush();
  await flush();
  assert.deepEqual(outcomes, {
    'message.edit': 'UNSUPPORTED_TRANSPORT',
    'reaction.add': 'UNSUPPORTED_TRANSPORT',
    read: 'UNSUPPORTED_TRANSPORT',
    publish: 'UNSUPPORTED_TRANSPORT',
    typing: 'UNSUPPORTED_TRANSPORT',
    'custom.thing': 'UNSUPPORTED_TRANSPORT',
  });

  // Fire and forget: typing is dropped (send says so); anything else comes back as an error event.
  assert.equal(client.send('typing', { room: ROOM, isTyping: true }), false);
  assert.equal(client.send('message.pin', { messageId: 1 }), true);
  await flush();
  assert.equal(errors.at(-1).code, 'UNSUPPORTED_TRANSPORT');
  assert.equal(errors.at(-1).details.event, 'message.pin');
  assert.equal(server.requests.length, before, 'none of it reached the server');
  assert.equal(client.state, 'connected');
  client.close();
});

// ---- fallback and closing ----

test('fallback: two failed WebSocket attempts move to SSE, two failed SSE attempts to polling, which stays after one WebSocket attempt per reconnect', async () => {
  const harness = setupPolling({ transports: undefined });
  const { client, clock, sockets, streams, server } = harness;
  client.connect();
  await flush();
  assert.equal(client.transport, 'websocket');
  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].drop(1006);
  await clock.advance(500);
  assert.equal(client.transport, 'sse');
  assert.equal(server.requests.length, 0);
  streams[0].refuse();
  await clock.advance(1000);
  assert.equal(streams.length, 2, 'one SSE failure is not enough');
  assert.equal(client.transport, 'sse');
  streams[1].refuse();
  await clock.advance(2000);
  await flush();
  assert.equal(client.transport, 'polling');
  assert.equal(client.state, 'connected');
  assert.equal(harness.states.at(-1).detail.transport, 'polling');
  assert.deepEqual(
    [sockets.length, streams.length],
    [2, 2],
  );

  await losePollingSession(harness);
  await clock.advance(250);
  assert.equal(client.transport, 'websocket', 'the reconnect tries the WebSocket once');
  sockets[2].drop(1006);
  await clock.advance(500);
  await flush();
  assert.equal(client.state, 'connected');
  assert.equal(client.transport, 'polling', 'then straight back to polling');
  assert.deepEqual([sockets.length, streams.length], [3, 2], 'never SSE again');
  client.close();
});

test('close() stops every timer and request: nothing is pending on the clock, nothing more is asked', async () => {
  const harness = await joinedPolling();
  const { client, clock, server, events } = harness;
  server.answerNext({ path: '/api/rooms' }, 'hold');
  await clock.advance(INTERVAL); // a cycle in flight
  client.request('presence.get', { room: ROOM }).catch(() => {});
  await flush();
  client.close();
  assert.deepEqual(clock.timers, []);
  assert.equal(server.held[0].request.signal?.aborted, true, 'requests in flight are cancelled');
  const count = server.requests.length;
  const eventCount = events.length;
  server.post(ROOM, { text: 'too late' });
  server.held[0].release();
  await clock.advance(10 * INTERVAL);
  assert.equal(server.requests.length, count);
  assert.equal(events.length, eventCount);
  assert.deepEqual(clock.timers, []);
});

test('the polling transport is usable with a plain fetch: answers without a body or JSON are handled', async () => {
  // A proxy's HTML error page on a poll: a failed cycle, not a crash.
  const server = makeRestServer();
  const clock = new FakeClock();
  let html = false;
  const fetch = (url, init) => (html ? Promise.resolve({ status: 502, headers: new Headers(), text: async () => '<html>bad gateway</html>' }) : server.fetch(url, init));
  const client = createClient({ url: 'http://roomcast.test', token: 't', transports: ['polling'], fetch, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout, now: clock.now });
  const states = [];
  client.on('state', (state, detail) => states.push({ state, detail }));
  client.connect();
  await flush();
  await flush();
  assert.equal(client.state, 'connected');
  html = true;
  await clock.advance(INTERVAL + 2 * INTERVAL + 4 * INTERVAL);
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.match(states.at(-1).detail.reason, /answered 502/);
  client.close();
});
