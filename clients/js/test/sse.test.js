import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomcastError, createClient } from '../src/index.js';
import { MAX_FRAMES_PER_POST, MAX_POST_BYTES, httpBaseUrl } from '../src/transport-sse.js';
import { webSocketBaseUrl } from '../src/transport-websocket.js';
import { FakeClock, flush, jwt, makeWebSocketClass, setup, track } from '../test-support/fakes.js';
import { makeSseServer, setupSse } from '../test-support/sse-fakes.js';

const ROOM = 'chat:team';

/** Connected over SSE and in ROOM at offset 10, epoch "e1". */
async function joinedSse(options) {
  const harness = setupSse(options);
  const room = harness.client.room(ROOM);
  const joining = room.join();
  await harness.connect();
  harness.stream().ackJoin(undefined, { [ROOM]: { offset: 10, epoch: 'e1' } });
  await joining;
  return { ...harness, room };
}

// ---- URLs and options ----

test('the HTTP base URL comes from the client url: ws -> http, wss -> https, http(s) kept', () => {
  assert.equal(httpBaseUrl('ws://roomcast.test:8080'), 'http://roomcast.test:8080');
  assert.equal(httpBaseUrl('wss://chat.example.com/'), 'https://chat.example.com');
  assert.equal(httpBaseUrl('WSS://chat.example.com/gw//'), 'https://chat.example.com/gw');
  assert.equal(httpBaseUrl('http://localhost:8080'), 'http://localhost:8080');
  assert.equal(httpBaseUrl('https://chat.example.com'), 'https://chat.example.com');
  // And the other way round for the WebSocket, so that one https:// url serves both transports.
  assert.equal(webSocketBaseUrl('https://chat.example.com/'), 'wss://chat.example.com');
  assert.equal(webSocketBaseUrl('http://localhost:8080'), 'ws://localhost:8080');
  assert.equal(webSocketBaseUrl('wss://chat.example.com'), 'wss://chat.example.com');
});

test('options.transports is checked: known names, no repeats, and an implementation for each', () => {
  const server = makeSseServer();
  const { FakeWebSocket } = makeWebSocketClass();
  const base = { url: 'ws://x', token: 't', WebSocket: FakeWebSocket, EventSource: server.EventSource, fetch: server.fetch };
  assert.throws(() => createClient({ ...base, transports: [] }), TypeError);
  assert.throws(() => createClient({ ...base, transports: 'sse' }), TypeError);
  assert.throws(() => createClient({ ...base, transports: ['carrier-pigeon'] }), /unknown transport "carrier-pigeon"/);
  assert.throws(() => createClient({ ...base, transports: ['sse', 'sse'] }), /named twice/);
  // Node 20 has no EventSource: asking for sse without one is an error, not a silent WebSocket-only client.
  assert.throws(() => createClient({ ...base, EventSource: undefined, transports: ['sse'] }), /EventSource/);
  assert.throws(() => createClient({ ...base, EventSource: 'nope' }), TypeError);
  assert.throws(() => createClient({ ...base, fetch: 42 }), TypeError);
  assert.throws(() => createClient({ ...base, WebSocket: undefined, transports: ['websocket'] }), /WebSocket/);
  // Only an EventSource: the default list keeps what this runtime has.
  assert.equal(createClient({ ...base, WebSocket: undefined }).transport, null);
});

test('the default transports without an EventSource (Node 20) are the WebSocket, then polling: SSE is never tried', async () => {
  const requests = [];
  const fetch = (url) => {
    requests.push(url);
    return new Promise(() => {}); // the polling session never opens here
  };
  const { client, clock, sockets } = setup({ transports: undefined, fetch });
  client.connect();
  await flush();
  sockets.at(-1).drop(1006);
  await clock.advance(250);
  assert.equal(sockets.length, 2);
  sockets.at(-1).drop(1006);
  await clock.advance(500);
  assert.equal(sockets.length, 2);
  assert.equal(client.transport, 'polling');
  assert.ok(requests.length > 0 && requests.every((url) => url.startsWith('http://roomcast.test:8080/api/')));
  client.close();
});

// ---- connecting and frames ----

test("transports: ['sse'] connects over an event stream; the connected detail and client.transport say sse", async () => {
  const { client, stream, states, sockets } = setupSse({ token: 'a.b.c', url: 'wss://chat.example.com/' });
  assert.equal(client.transport, null);
  client.connect();
  await flush();
  assert.equal(client.transport, 'sse');
  assert.equal(stream().url, 'https://chat.example.com/sse?access_token=a.b.c');
  assert.equal(client.state, 'connecting');
  stream().accept({ clientId: 'imojr6ktcn.1', heartbeatMs: 20_000 });
  await flush();
  assert.equal(client.state, 'connected');
  assert.deepEqual(states.at(-1), {
    state: 'connected',
    detail: { id: 'imojr6ktcn.1', userId: 'alice', time: 'now', pod: 'pod', heartbeatMs: 20_000, transport: 'sse' },
  });
  assert.equal(sockets.length, 0, 'no WebSocket was tried');
  client.close();
  assert.equal(stream().closedByClient, true);
  assert.equal(client.transport, null);
});

test('the WebSocket connected detail says websocket', async () => {
  const { client, states, connect } = setup();
  await connect();
  assert.equal(states.at(-1).detail.transport, 'websocket');
  assert.equal(client.transport, 'websocket');
  client.close();
});

test('frames from the stream reach rooms and the client; requests are POSTed with the token and resolve', async () => {
  const { client, stream, posts, events, connect } = setupSse();
  const room = client.room(ROOM);
  const seen = [];
  room.on('message.created', (data, frame) => seen.push({ text: data.message.text, offset: frame.offset }));
  const joining = track(room.join());
  await connect({ clientId: 'imojr6ktcn.7' });

  assert.equal(posts.length, 1);
  assert.equal(posts[0].url, 'http://roomcast.test:8080/sse/imojr6ktcn.7');
  assert.equal(posts[0].method, 'POST');
  assert.equal(posts[0].headers.get('authorization'), 'Bearer static-token');
  assert.equal(posts[0].headers.get('content-type'), 'application/json');
  assert.equal(posts[0].isArray, false, 'a single frame goes as one object');
  const join = stream().last('join');
  assert.deepEqual(join.data, { rooms: [ROOM] });
  stream().ackJoin(join, { [ROOM]: { offset: 10, epoch: 'e1' } });
  await flush();
  assert.equal(joining.value.offset, 10);
  assert.equal(room.state, 'joined');

  stream().push({ event: 'message.created', room: ROOM, offset: 11, data: { message: { id: 1, text: 'hi' } } });
  stream().push({ event: 'notification', data: { room: ROOM, messageId: 1 } });
  assert.deepEqual(seen, [{ text: 'hi', offset: 11 }]);
  assert.equal(room.lastOffset, 11);
  assert.deepEqual(
    events.map((frame) => frame.event),
    ['connected', 'message.created', 'notification'],
  );

  const presence = track(client.request('presence.get', { room: ROOM }));
  await flush();
  const frame = stream().last('presence.get');
  assert.deepEqual(frame.data, { room: ROOM });
  stream().ack(frame, { room: ROOM, users: [{ userId: 'bob', clients: 1, since: 'then' }] });
  await flush();
  assert.deepEqual(presence.value, { room: ROOM, users: [{ userId: 'bob', clients: 1, since: 'then' }] });

  const pong = track(client.request('ping'));
  await flush();
  stream().push({ event: 'pong', id: stream().last('ping').id });
  await flush();
  assert.equal(pong.value.event, 'pong');
  client.close();
});

// ---- sending: order and batching ----

test('POSTs go one at a time, in order; frames sent meanwhile go in the next POST, at most 20 per POST', async () => {
  const { client, server, posts, stream, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  const rooms = (post) => post.frames.map((frame) => frame.data.room);
  const ask = (room) => client.request('presence.get', { room }).catch(() => {});
  for (let i = 0; i < 25; i += 1) ask(`live:r${i}`);
  await flush();
  assert.equal(posts.length, 1, 'the first frame went alone; the rest wait for its answer');
  assert.deepEqual(rooms(posts[0]), ['live:r0']);

  posts[0].respond(202);
  await flush();
  assert.equal(posts.length, 2);
  assert.equal(posts[1].isArray, true);
  assert.equal(posts[1].frames.length, MAX_FRAMES_PER_POST);
  assert.deepEqual(rooms(posts[1]), Array.from({ length: 20 }, (_, i) => `live:r${i + 1}`));

  // Sent while the second POST is in flight: behind the four still queued, in the third POST.
  ask('live:late');
  client.send('typing', { room: 'live:r0', isTyping: true });
  await flush();
  assert.equal(posts.length, 2);
  posts[1].respond(202);
  await flush();
  assert.equal(posts.length, 3);
  assert.deepEqual(rooms(posts[2]), ['live:r21', 'live:r22', 'live:r23', 'live:r24', 'live:late', 'live:r0']);
  assert.equal(posts[2].frames.at(-1).event, 'typing');
  posts[2].respond(202);
  await flush();
  assert.equal(posts.length, 3, 'nothing left to send');

  // The session ran every frame once, in the order they were made.
  const ids = stream()
    .sent.filter((frame) => frame.id !== undefined)
    .map((frame) => Number(frame.id));
  assert.deepEqual(ids, Array.from({ length: 26 }, (_, i) => i + 1));
  client.close();
});

test('a POST stays within the body limit (UTF-8 bytes): large frames go in POSTs of their own', async () => {
  const { client, server, posts, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  const big = 'é'.repeat(20_000); // 20 000 characters, 40 000 bytes: two do not fit in 65 536 bytes
  client.send('publish', { room: 'live:x', event: 'wave', data: { n: 0 } });
  client.send('publish', { room: 'live:x', event: 'wave', data: { n: 1, big } });
  client.send('publish', { room: 'live:x', event: 'wave', data: { n: 2, big } });
  client.send('publish', { room: 'live:x', event: 'wave', data: { n: 3 } });
  await flush();
  for (let i = 0; i < 3; i += 1) {
    posts[i].respond(202);
    await flush();
  }
  assert.deepEqual(
    posts.map((post) => post.frames.map((frame) => frame.data.data.n)),
    [[0], [1], [2, 3]],
  );
  for (const post of posts) assert.ok(post.bytes <= MAX_POST_BYTES, `${post.bytes} bytes`);
  assert.ok(posts[1].bytes > 40_000);
  client.close();
});

test('no heartbeat frames are POSTed on SSE; the silence check still pings, and drops an unanswered stream', async () => {
  const { client, clock, stream, posts, states, connect } = setupSse();
  await connect({ heartbeatMs: 10_000 });
  for (let i = 0; i < 6; i += 1) {
    stream().push({ event: 'notification', data: { n: i } });
    await clock.advance(10_000);
  }
  assert.equal(posts.length, 0, 'a stream that delivers needs nothing from the client');
  assert.deepEqual(stream().frames('heartbeat'), []);

  // Silent for 2 x heartbeatMs: one ping (EventSource does not surface the `: hb` comments). The last
  // frame came 10 s ago.
  await clock.advance(9_999);
  assert.equal(posts.length, 0);
  await clock.advance(1);
  assert.equal(posts.length, 1);
  assert.deepEqual(
    posts[0].frames.map((frame) => frame.event),
    ['ping'],
  );
  await clock.advance(9_999);
  assert.equal(client.state, 'connected');
  await clock.advance(1);
  assert.equal(stream().closedByClient, true);
  assert.equal(states.at(-1).state, 'reconnecting');
  assert.equal(states.at(-1).detail.code, 4000);
  assert.equal(posts.filter((post) => post.frames.some((frame) => frame.event === 'heartbeat')).length, 0);
  client.close();
});

test('an answered ping keeps a quiet SSE session', async () => {
  const { client, clock, stream, connect } = setupSse();
  await connect({ heartbeatMs: 10_000 });
  stream().autoPong = true;
  await clock.advance(100_000);
  assert.equal(client.state, 'connected');
  assert.equal(stream().closedByClient, false);
  assert.ok(stream().frames('ping').length >= 3);
  assert.deepEqual(stream().frames('heartbeat'), []);
  client.close();
});

// ---- the close frame and the close policy ----

test('close frame 4008: the EventSource is closed, the frame is not an event, and the client reconnects at once', async () => {
  const { client, clock, streams, states, events, connect } = setupSse({ random: () => 0.99 });
  await connect();
  streams[0].closeWith(4008, 'slow consumer');
  assert.equal(streams[0].closedByClient, true, 'closed, so that the browser does not reconnect behind our back');
  assert.deepEqual(states.at(-1), {
    state: 'reconnecting',
    detail: { code: 4008, reason: 'slow consumer', delayMs: 0, attempt: 0 },
  });
  assert.deepEqual(
    events.map((frame) => frame.event),
    ['connected'],
  );
  await clock.advance(0);
  assert.equal(streams.length, 2);
  await connect();
  assert.equal(client.state, 'connected');
  client.close();
});

test('close frame 1001 after a reconnect frame: back at afterMs, not on the backoff', async () => {
  const { client, clock, streams, states, connect } = setupSse({ random: () => 0.99 });
  await connect();
  streams[0].push({ event: 'reconnect', data: { afterMs: 3000 } });
  await clock.advance(1000);
  streams[0].closeWith(1001, 'server going away');
  assert.equal(states.at(-1).detail.code, 1001);
  assert.equal(states.at(-1).detail.delayMs, 2000);
  await clock.advance(1999);
  assert.equal(streams.length, 1);
  await clock.advance(1);
  assert.equal(streams.length, 2);
  client.close();
});

test('close frame 1008: disconnected with the reason, and no more streams', async () => {
  const { client, clock, streams, states, connect } = setupSse();
  await connect();
  streams[0].closeWith(1008, 'too many invalid frames');
  assert.equal(client.state, 'disconnected');
  assert.deepEqual(states.at(-1).detail, { code: 1008, reason: 'too many invalid frames' });
  assert.equal(client.transport, null);
  await clock.advance(10 * 60 * 1000);
  assert.equal(streams.length, 1);
});

test('close frame 4005 with getToken: a fresh token in the new stream URL', async () => {
  let calls = 0;
  const { client, clock, streams, connect } = setupSse({ token: undefined, getToken: async () => `token-${++calls}` });
  await connect();
  streams[0].closeWith(4005, 'token expired');
  await clock.advance(0);
  assert.equal(streams.length, 2);
  assert.equal(streams[1].token, 'token-2');
  client.close();
});

test('a stream that ends without a close frame is a lost connection (1006, backoff)', async () => {
  const { client, clock, streams, states, connect } = setupSse();
  await connect();
  const pending = track(client.request('presence.get', { room: 'live:lobby' }));
  await flush();
  streams[0].end();
  assert.equal(streams[0].closedByClient, true);
  assert.deepEqual(states.at(-1).detail, {
    code: 1006,
    reason: 'the event stream ended without a close frame',
    delayMs: 250,
    attempt: 1,
  });
  await flush();
  assert.equal(pending.error?.code, 'DISCONNECTED');
  await clock.advance(249);
  assert.equal(streams.length, 1);
  await clock.advance(1);
  assert.equal(streams.length, 2);
  client.close();
});

test('an EventSource error before connected (a refused GET) is a 1006 drop, and the EventSource is closed', async () => {
  const { client, clock, streams, states } = setupSse();
  client.connect();
  await flush();
  streams[0].refuse();
  assert.equal(streams[0].closedByClient, true);
  assert.equal(client.state, 'reconnecting');
  assert.equal(states.at(-1).detail.code, 1006);
  assert.equal(states.at(-1).detail.reason, 'the event stream could not be opened');
  await clock.advance(250);
  assert.equal(streams.length, 2);
  // A network error keeps the browser's EventSource CONNECTING (it would retry): closed all the same.
  streams[1].end();
  assert.equal(streams[1].closedByClient, true);
  client.close();
});

// ---- fallback ----

test('two WebSocket attempts that fail before connected switch to SSE, which, once connected, is kept: each reconnect tries the WebSocket once, then SSE', async () => {
  // Without polling, which two failed SSE attempts would move to (test/transport-polling.test.js).
  const { client, clock, sockets, streams, states } = setupSse({ transports: ['websocket', 'sse'] });
  client.connect();
  await flush();
  assert.equal(client.transport, 'websocket');
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, 'ws://roomcast.test:8080/ws?access_token=static-token');
  sockets[0].drop(1006); // the upgrade is blocked
  await clock.advance(250);
  assert.equal(sockets.length, 2);
  assert.equal(streams.length, 0, 'one failure is not enough');
  sockets[1].drop(1006);
  await clock.advance(500);
  assert.equal(sockets.length, 2);
  assert.equal(streams.length, 1);
  assert.equal(client.transport, 'sse');
  assert.equal(streams[0].url, 'http://roomcast.test:8080/sse?access_token=static-token');
  streams[0].accept();
  await flush();
  assert.equal(states.at(-1).detail.transport, 'sse');

  // Lost after connected: one WebSocket attempt (still blocked), then SSE, kept through failures before connected.
  streams[0].end();
  await clock.advance(250);
  assert.equal(sockets.length, 3, 'the reconnect tries the WebSocket once');
  assert.equal(client.transport, 'websocket');
  sockets[2].drop(1006);
  await clock.advance(500);
  assert.equal(client.transport, 'sse', 'straight back to SSE after one failure');
  streams[1].refuse();
  await clock.advance(1000);
  streams[2].refuse();
  await clock.advance(2000);
  assert.equal(streams.length, 4);
  assert.equal(sockets.length, 3, 'one WebSocket attempt per reconnect');
  client.close();
  await flush();
  client.connect();
  await flush();
  assert.equal(client.transport, 'websocket', 'connect() starts a reconnect cycle: the WebSocket once');
  sockets[3].drop(1006);
  await clock.advance(250);
  assert.equal(client.transport, 'sse');
  assert.equal(sockets.length, 4);
  client.close();
});

test('a WebSocket that connected once is kept: a few later attempts that end before connected (1006, 4000) do not move it to SSE', async () => {
  // Two failures in a row move a client that never connected; a connected WebSocket is given up only after
  // FIRST_TRANSPORT_FAILURES_BEFORE_FALLBACK of them (test/fallback.test.js).
  const { client, clock, sockets, streams } = setupSse({ transports: undefined, requestTimeoutMs: 2000 });
  client.connect();
  await flush();
  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  sockets[1].drop(1006); // after connected: the WebSocket works here
  await clock.advance(250);
  // A socket that never says connected (a proxy holding the upgrade) is given up: 4000.
  await clock.advance(2000);
  assert.equal(sockets[2].closedByClient?.code, 4000);
  await clock.advance(1000);
  assert.equal(sockets.length, 4);
  sockets[3].drop(1006);
  await clock.advance(2000);
  assert.equal(sockets.length, 5, 'two failures in a row after a connected: still the WebSocket');
  assert.equal(streams.length, 0);
  assert.equal(client.transport, 'websocket');
  client.close();
});

test("transports: ['websocket'] never falls back", async () => {
  const { client, clock, sockets, streams } = setupSse({ transports: ['websocket'] });
  client.connect();
  await flush();
  for (let i = 0; i < 3; i += 1) {
    sockets.at(-1).drop(1006);
    await clock.advance(5_000);
  }
  assert.equal(sockets.length, 4);
  assert.equal(streams.length, 0);
  client.close();
});

// ---- POST answers ----

test('a POST answered 404 (the session is gone) is a lost connection: reconnect with backoff', async () => {
  const { client, clock, server, posts, streams, states, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  const pending = track(client.request('presence.get', { room: 'live:lobby' }));
  await flush();
  posts[0].respond(404, { problem: { code: 'NOT_FOUND', message: 'no such SSE session (unknown, or closed)' } });
  await flush();
  // The stream gets a moment to deliver a close frame that would say why.
  assert.equal(client.state, 'connected');
  assert.equal(client.send('typing', { room: 'live:lobby', isTyping: true }), false, 'nothing more goes to a gone session');
  await clock.advance(999);
  assert.equal(client.state, 'connected');
  await clock.advance(1);
  assert.equal(streams[0].closedByClient, true);
  assert.deepEqual(states.at(-1), {
    state: 'reconnecting',
    detail: { code: 1006, reason: 'the SSE session is gone (POST answered 404)', delayMs: 250, attempt: 1 },
  });
  await flush();
  assert.equal(pending.error?.code, 'DISCONNECTED');
  assert.equal(posts.length, 1);
  await clock.advance(250);
  assert.equal(streams.length, 2);
  client.close();
});

test('after a 404, a close frame that arrives in time decides (4008: at once)', async () => {
  const { client, clock, server, posts, streams, states, connect } = setupSse({ random: () => 0.99 });
  await connect();
  server.autoAccept = false;
  client.request('presence.get', { room: 'live:lobby' }).catch(() => {});
  await flush();
  posts[0].respond(404, { problem: { code: 'NOT_FOUND', message: 'gone' } });
  await flush();
  streams[0].closeWith(4008, 'slow consumer');
  assert.deepEqual(states.at(-1).detail, { code: 4008, reason: 'slow consumer', delayMs: 0, attempt: 0 });
  await clock.advance(5000);
  assert.equal(streams.length, 2);
  assert.equal(states.filter((s) => s.state === 'reconnecting').length, 1, 'the 404 grace did not drop it a second time');
  client.close();
});

test('a POST answered 429 is sent again, same frames, after Retry-After; frames sent meanwhile follow it', async () => {
  const { client, clock, server, posts, stream, errors, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  const a = track(client.request('presence.get', { room: 'live:a' }));
  await flush();
  posts[0].respond(429, { problem: { code: 'RATE_LIMITED', message: 'too many requests' }, retryAfter: '2' });
  client.request('presence.get', { room: 'live:b' }).catch(() => {});
  client.request('presence.get', { room: 'live:c' }).catch(() => {});
  await flush();
  assert.equal(posts.length, 1);
  await clock.advance(1999);
  assert.equal(posts.length, 1);
  await clock.advance(1);
  assert.equal(posts.length, 2);
  assert.equal(posts[1].body, posts[0].body, 'the same batch, byte for byte');
  assert.equal(posts[1].url, posts[0].url);
  posts[1].respond(202);
  await flush();
  assert.equal(posts.length, 3);
  assert.deepEqual(
    posts[2].frames.map((frame) => frame.data.room),
    ['live:b', 'live:c'],
  );
  posts[2].respond(202);
  await flush();
  assert.deepEqual(
    stream().sent.map((frame) => frame.data.room),
    ['live:a', 'live:b', 'live:c'],
  );
  assert.deepEqual(errors, [], 'a 429 is handled, not reported');
  stream().ack(stream().sent[0], { room: 'live:a', users: [] });
  await flush();
  assert.deepEqual(a.value, { room: 'live:a', users: [] });
  assert.equal(client.state, 'connected');
  client.close();
});

test('a POST answered 400 is reported; the requests in it fail with its code; the session goes on', async () => {
  const { client, server, posts, stream, errors, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  const refused = track(client.request('presence.get', { room: 'live:a' }));
  await flush();
  posts[0].respond(400, { problem: { code: 'BAD_REQUEST', message: 'the body exceeds 65536 bytes' } });
  await flush();
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof RoomcastError);
  assert.equal(errors[0].code, 'BAD_REQUEST');
  assert.equal(errors[0].message, 'the body exceeds 65536 bytes');
  assert.equal(errors[0].details.status, 400);
  assert.equal(refused.error?.code, 'BAD_REQUEST');
  assert.equal(client.state, 'connected');
  assert.equal(stream().closedByClient, false);
  const next = track(client.request('presence.get', { room: 'live:b' }));
  await flush();
  posts[1].respond(202);
  await flush();
  stream().ack(stream().last('presence.get'), { room: 'live:b', users: [] });
  await flush();
  assert.deepEqual(next.value, { room: 'live:b', users: [] });
  client.close();
});

test('a POST answered 401 is reported and ends the session like close 4003: a fresh token from getToken, at once', async () => {
  let calls = 0;
  const { client, clock, server, posts, streams, states, errors, connect } = setupSse({
    token: undefined,
    getToken: async () => `token-${++calls}`,
  });
  await connect();
  server.autoAccept = false;
  client.request('presence.get', { room: 'live:a' }).catch(() => {});
  await flush();
  assert.equal(posts[0].token, 'token-1');
  posts[0].respond(401, { problem: { code: 'AUTH_REQUIRED', message: 'a valid token is required' } });
  await flush();
  assert.equal(errors.at(-1).code, 'AUTH_REQUIRED');
  assert.equal(streams[0].closedByClient, true);
  assert.equal(states.at(-1).detail.code, 4003);
  assert.equal(states.at(-1).detail.delayMs, 0);
  await clock.advance(0);
  assert.equal(streams.length, 2);
  assert.equal(streams[1].token, 'token-2');
  client.close();
});

test('a POST answered 401 with a static token: reported, then disconnected', async () => {
  const { client, server, posts, errors, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  client.request('presence.get', { room: 'live:a' }).catch(() => {});
  await flush();
  posts[0].respond(401, { problem: { code: 'AUTH_REQUIRED', message: 'a valid token is required' } });
  await flush();
  assert.equal(errors.at(-1).code, 'AUTH_REQUIRED');
  assert.equal(client.state, 'disconnected');
});

test('a POST answered 403 is reported and the session dropped (backoff)', async () => {
  const { client, clock, server, posts, streams, states, errors, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  client.request('presence.get', { room: 'live:a' }).catch(() => {});
  await flush();
  posts[0].respond(403, { problem: { code: 'FORBIDDEN', message: 'the session belongs to another user' } });
  await flush();
  assert.equal(errors.at(-1).code, 'FORBIDDEN');
  assert.equal(errors.at(-1).message, 'the session belongs to another user');
  assert.equal(streams[0].closedByClient, true);
  assert.equal(states.at(-1).detail.code, 1006);
  assert.equal(states.at(-1).detail.delayMs, 250);
  await clock.advance(250);
  assert.equal(streams.length, 2);
  client.close();
});

test('a POST that fails on the network, or gets a proxy error, drops the session', async () => {
  const { client, clock, server, posts, streams, states, connect } = setupSse();
  await connect();
  server.autoAccept = false;
  client.request('presence.get', { room: 'live:a' }).catch(() => {});
  await flush();
  posts[0].fail();
  await flush();
  assert.equal(streams[0].closedByClient, true);
  assert.match(states.at(-1).detail.reason, /fetch failed/);
  await clock.advance(250);
  await connect();
  client.request('presence.get', { room: 'live:a' }).catch(() => {});
  await flush();
  posts[1].respond(502);
  await flush();
  assert.equal(streams[1].closedByClient, true);
  assert.equal(states.at(-1).detail.reason, 'POST /sse answered 502');
  client.close();
});

// ---- the outbox and tokens across SSE sessions ----

test('the outbox is sent again after an SSE reconnect, with the same clientMsgId, to the new session', async () => {
  const { client, clock, streams, posts, room } = await joinedSse();
  const sent = track(room.sendMessage('hello'));
  await flush();
  const first = streams[0].last('message.send');
  assert.equal(first.data.text, 'hello');
  assert.match(first.data.clientMsgId, /^[0-9a-f-]{36}$/);

  streams[0].end();
  await flush();
  assert.equal(sent.settled, false, 'a lost connection never rejects an outbox send');
  await clock.advance(250);
  streams[1].accept({ clientId: 'pod.2' });
  await flush();
  const join = streams[1].last('join');
  assert.deepEqual(join.data, { rooms: [ROOM], since: { [ROOM]: { offset: 10, epoch: 'e1' } } });
  assert.deepEqual(streams[1].frames('message.send'), [], 'not before the room is joined again');
  streams[1].ackJoin(join, { [ROOM]: { offset: 10, epoch: 'e1', recovered: true } });
  await flush();
  const again = streams[1].last('message.send');
  assert.equal(again.data.clientMsgId, first.data.clientMsgId);
  assert.equal(again.data.text, 'hello');
  assert.equal(posts.at(-1).url, 'http://roomcast.test:8080/sse/pod.2');
  const message = { id: 1, room: ROOM, offset: 11, text: 'hello', clientMsgId: first.data.clientMsgId };
  streams[1].ack(again, { message });
  await flush();
  assert.deepEqual(sent.value, { message });
  client.close();
});

test('after a successful refresh, POSTs carry the new token', async () => {
  const start = new FakeClock().time;
  const expSeconds = (ms) => Math.floor((start + ms) / 1000);
  const issued = [jwt({ sub: 'alice', exp: expSeconds(120_000) }), jwt({ sub: 'alice', exp: expSeconds(600_000) })];
  let calls = 0;
  const { client, clock, stream, posts, connect } = setupSse({ token: undefined, getToken: async () => issued[calls++] });
  await connect();
  stream().autoPong = true;
  await clock.advance(90_000);
  const refresh = stream().last('refresh');
  assert.deepEqual(refresh.data, { token: issued[1] });
  assert.equal(posts.at(-1).token, issued[0], 'the refresh itself goes with the current token');
  stream().ack(refresh, { exp: expSeconds(600_000) });
  await flush();
  client.request('presence.get', { room: 'live:a' }).catch(() => {});
  await flush();
  assert.equal(posts.at(-1).frames[0].event, 'presence.get');
  assert.equal(posts.at(-1).token, issued[1]);
  client.close();
});

test('an unreadable frame on the stream is reported as BAD_FRAME and counts as activity', async () => {
  const { client, clock, stream, errors, connect } = setupSse();
  await connect({ heartbeatMs: 10_000 });
  await clock.advance(15_000);
  stream().push('not json');
  assert.equal(errors.at(-1).code, 'BAD_FRAME');
  await clock.advance(15_000);
  assert.deepEqual(stream().frames('ping'), [], 'bytes arrived 15 s ago: no ping yet');
  await clock.advance(5_000);
  assert.equal(stream().frames('ping').length, 1);
  client.close();
});
