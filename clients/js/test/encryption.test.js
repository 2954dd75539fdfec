import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAfterClose } from '../src/close-policy.js';
import { SealingError, createKeyExchange, createSealedSession } from '../src/encryption.js';
import { createClient } from '../src/index.js';
import { FakeClock, makeWebSocketClass, onFakeClock, recordClient } from '../test-support/fakes.js';
import { SealingServer } from '../test-support/sealing-server.js';
import { setupSse } from '../test-support/sse-fakes.js';

const subtle = globalThis.crypto.subtle;

/** WebCrypto runs off the main thread: waits (bounded) until the condition holds. */
async function until(condition, what) {
  for (let i = 0; i < 200; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail(`not within 1 s: ${what}`);
}

/** The client's key from the handshake URL (`publicKey`, base64url). @param {string} url */
function publicKeyOf(url) {
  const key = new URL(url).searchParams.get('publicKey');
  assert.ok(key, `no publicKey in ${url}`);
  assert.match(key, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  return key;
}

function connectedFrame(server, clientId = 'pod.1') {
  return { event: 'connected', data: { id: clientId, userId: 'alice', time: 'now', pod: 'pod', heartbeatMs: 30000, ...server.connectedData } };
}

// ---- the cipher against node:crypto's server ----

test('keys agreed with WebCrypto open what node:crypto seals and seal what it opens, counters from 0', async () => {
  const exchange = await createKeyExchange(subtle);
  const server = new SealingServer(exchange.publicKey);
  const cipher = await exchange.agree(server.connectedData);
  for (let i = 0; i < 3; i += 1) {
    const sealed = JSON.parse(await cipher.seal(JSON.stringify({ event: 'ping', id: `p${i}` })));
    assert.equal(Buffer.from(sealed.data.iv, 'base64').toString('hex'), `00000000${i.toString(16).padStart(16, '0')}`);
    assert.deepEqual(server.open(sealed), { event: 'ping', id: `p${i}` });
    assert.equal(await cipher.open(server.seal({ event: 'pong', id: `p${i}`, data: { text: 'héllo ✓' } })),
      JSON.stringify({ event: 'pong', id: `p${i}`, data: { text: 'héllo ✓' } }));
  }
});

test('seals started together come out in call order with consecutive counters', async () => {
  const exchange = await createKeyExchange(subtle);
  const server = new SealingServer(exchange.publicKey);
  const cipher = await exchange.agree(server.connectedData);
  const sealed = await Promise.all(Array.from({ length: 50 }, (_, i) => cipher.seal(JSON.stringify({ event: 'n', data: i }))));
  sealed.forEach((json, i) => assert.equal(server.open(JSON.parse(json)).data, i));
});

test('a frame that is tampered, truncated, replayed, out of order or plaintext does not open', async () => {
  const exchange = await createKeyExchange(subtle);
  const server = new SealingServer(exchange.publicKey);
  const fresh = async () => {
    const other = await createKeyExchange(subtle);
    const otherServer = new SealingServer(other.publicKey);
    return { cipher: await other.agree(otherServer.connectedData), server: otherServer };
  };
  const first = server.seal({ event: 'a' });
  const cipher = await exchange.agree(server.connectedData);
  assert.equal(await cipher.open(first), '{"event":"a"}');
  await assert.rejects(cipher.open(first), SealingError, 'replayed');

  const skipped = await fresh();
  skipped.server.seal({ event: 'lost' });
  await assert.rejects(skipped.cipher.open(skipped.server.seal({ event: 'b' })), /out of order/);

  const tampered = await fresh();
  const frame = tampered.server.seal({ event: 'c' });
  const bytes = Buffer.from(frame.data.ct, 'base64');
  bytes[0] ^= 1;
  await assert.rejects(tampered.cipher.open({ ...frame, data: { ...frame.data, ct: bytes.toString('base64') } }), /does not decrypt/);

  const truncated = await fresh();
  const whole = truncated.server.seal({ event: 'd' });
  const cut = Buffer.from(whole.data.ct, 'base64').subarray(0, 10).toString('base64');
  await assert.rejects(truncated.cipher.open({ ...whole, data: { ...whole.data, ct: cut } }), /does not decrypt/);

  const plain = await fresh();
  await assert.rejects(plain.cipher.open({ event: 'pong', id: '1' }), /not encrypted/);
});

test('a sealed session waits for the keys of connected and refuses a connected that does not encrypt', async () => {
  const exchange = await createKeyExchange(subtle);
  const server = new SealingServer(exchange.publicKey);
  const session = createSealedSession(exchange);
  await assert.rejects(session.seal({ event: 'ping' }), SealingError, 'nothing before connected');
  // connected and the frame after it arrive together: the second waits for the keys the first derives.
  const [connected, pong] = await Promise.all([
    session.receive(connectedFrame(server)),
    session.receive(server.seal({ event: 'pong', id: '1' })),
  ]);
  assert.equal(connected.event, 'connected');
  assert.deepEqual(pong, { event: 'pong', id: '1' });

  const refusing = createSealedSession(await createKeyExchange(subtle));
  await assert.rejects(
    refusing.receive({ event: 'connected', data: { id: 'x' } }),
    (error) => error instanceof SealingError && error.refused === true,
  );
});

// ---- the client over a WebSocket ----

function encryptedWebSocketClient(extra = {}) {
  const clock = new FakeClock();
  const { FakeWebSocket, sockets } = makeWebSocketClass();
  const client = createClient({ transports: ['websocket'], WebSocket: FakeWebSocket, ...onFakeClock(clock), encryption: true, ...extra });
  return { clock, client, sockets, ...recordClient(client) };
}

/** Opens the newest socket as the server does for an encrypted session; returns the server's keys. */
async function acceptSealed(sockets, count = 1) {
  await until(() => sockets.length >= count, `socket ${count}`);
  const socket = sockets.at(-1);
  const server = new SealingServer(publicKeyOf(socket.url));
  socket.readyState = 1;
  socket.onopen?.({});
  socket.push(connectedFrame(server, `pod.${sockets.length}`));
  return { socket, server };
}

test('encryption: true sends its key at the handshake, then seals every frame and opens every reply', async () => {
  const { client, sockets, states } = encryptedWebSocketClient();
  const room = client.room('chat:team');
  const joining = room.join();
  client.connect();
  const { socket, server } = await acceptSealed(sockets);
  await until(() => socket.sent.length > 0, 'the join');
  const join = server.open(socket.sent[0]);
  assert.equal(join.event, 'join');
  assert.deepEqual(join.data.rooms, ['chat:team']);
  assert.equal(states.find((s) => s.state === 'connected')?.detail.encrypted, true);
  socket.push(server.seal({ event: 'ack', id: join.id, data: { rooms: [{ room: 'chat:team', joined: true, offset: 3, epoch: 'e', missed: 0, recovered: false }] } }));
  await joining;

  const sending = room.sendMessage('hello, sealed');
  await until(() => socket.sent.length > 1, 'the message');
  const send = server.open(socket.sent[1]);
  assert.equal(send.event, 'message.send');
  assert.equal(send.data.text, 'hello, sealed');
  socket.push(server.seal({ event: 'ack', id: send.id, data: { message: { id: 'm1', room: 'chat:team', offset: 4, text: 'hello, sealed' } } }));
  await sending;
  for (const frame of socket.sent) assert.equal(frame.event, 'encrypted', 'nothing leaves in plaintext');
  client.close();
});

test('a server that does not agree to encrypt ends the session as 4004, and the client stops', async () => {
  const { client, sockets, errors, clock } = encryptedWebSocketClient();
  client.connect();
  await until(() => sockets.length > 0, 'a socket');
  const socket = sockets[0];
  socket.accept(); // a plaintext connected: no encrypted, no keys
  await until(() => client.state === 'disconnected', 'the stop');
  assert.equal(errors[0]?.code, 'ENCRYPTION_FAILED');
  assert.deepEqual(socket.closedByClient, { code: 4000, reason: 'the server did not agree to encrypt the session' });
  await clock.advance(120_000);
  assert.equal(sockets.length, 1, 'no reconnect');
});

test('a frame that does not open ends the connection as lost: the client reconnects with new keys', async () => {
  const { client, sockets, errors, clock } = encryptedWebSocketClient();
  client.connect();
  const { socket, server } = await acceptSealed(sockets);
  await until(() => client.state === 'connected', 'connected');
  const replay = server.seal({ event: 'note', data: 1 });
  socket.push(replay);
  socket.push(replay);
  await until(() => client.state === 'reconnecting', 'the loss');
  assert.equal(errors.at(-1).code, 'ENCRYPTION_FAILED');
  await clock.advance(60_000);
  const second = await acceptSealed(sockets, 2);
  assert.notEqual(publicKeyOf(second.socket.url), publicKeyOf(socket.url), 'a key pair per connection');
  await until(() => client.state === 'connected', 'connected again');
  client.close();
});

test('frames that arrive before a close are read before it', async () => {
  const { client, sockets, states } = encryptedWebSocketClient();
  const events = [];
  client.on('event', (frame) => events.push(frame.event));
  client.connect();
  const { socket, server } = await acceptSealed(sockets);
  socket.push(server.seal({ event: 'note', data: 1 }));
  socket.drop(1008, 'policy violation');
  await until(() => client.state === 'disconnected', 'the stop');
  assert.deepEqual(events, ['connected', 'note']);
  assert.equal(states.at(-1).detail.code, 1008);
});

// ---- options ----

test('encryption needs WebCrypto and a transport with a session: polling is left out, or refused when named', () => {
  const { FakeWebSocket } = makeWebSocketClass();
  const base = { url: 'ws://x', token: 't', WebSocket: FakeWebSocket, fetch: () => new Promise(() => {}) };
  assert.throws(() => createClient({ ...base, encryption: true, transports: ['websocket', 'polling'] }), /polling/);
  assert.throws(() => createClient({ ...base, encryption: 'yes' }), TypeError);
  assert.throws(() => createClient({ ...base, encryption: true, crypto: {} }), /WebCrypto/);
  assert.throws(() => createClient({ ...base, encryption: true, WebSocket: undefined }), /WebSocket/, 'polling alone is no option');
  assert.equal(createClient({ ...base, encryption: true }).transport, null);
});

test('4004 stops: the same client would be refused again', () => {
  assert.deepEqual(decideAfterClose({ code: 4004 }, { now: 0, canRenewToken: true, consecutive4003: 0 }), {
    action: 'stop',
    reason: 'encryption required',
  });
});

// ---- the client over SSE ----

test('over SSE the key goes in the stream URL, POSTs carry sealed frames in counter order, and the sealed close frame ends it', async () => {
  const harness = setupSse({ encryption: true });
  const { client, clock } = harness;
  const room = client.room('live:feed');
  const joining = room.join();
  client.connect();
  await until(() => harness.streams.length > 0, 'a stream');
  const stream = harness.stream();
  const server = new SealingServer(publicKeyOf(stream.url));
  stream.clientId = 'pod.1';
  stream.readyState = 1;
  stream.onopen?.({ type: 'open' });
  stream.push(connectedFrame(server));
  await until(() => stream.sent.length > 0, 'the join POST');
  const join = server.open(stream.sent[0]);
  stream.push(server.seal({ event: 'ack', id: join.id, data: { rooms: [{ room: 'live:feed', joined: true }] } }));
  await joining;
  const published = Array.from({ length: 5 }, (_, i) => client.request('publish', { room: 'live:feed', event: 'n', data: i }));
  await until(() => stream.sent.length === 6, 'five publishes');
  const frames = stream.sent.slice(1).map((frame) => server.open(frame)); // throws on a counter out of order
  assert.deepEqual(frames.map((frame) => frame.data.data), [0, 1, 2, 3, 4]);
  for (const frame of frames) stream.push(server.seal({ event: 'ack', id: frame.id }));
  await Promise.all(published);

  stream.push(server.seal({ event: 'close', data: { code: 4008, reason: 'slow consumer' } }));
  stream.end();
  await until(() => client.state === 'reconnecting', 'the close');
  assert.equal(harness.states.at(-1).detail.code, 4008);
  await clock.advance(1);
  await until(() => harness.streams.length === 2, 'the new stream');
  client.close();
});
