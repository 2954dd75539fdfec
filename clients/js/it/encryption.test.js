// The client with `encryption: true` against real pods (run by JsClientIT before the pod-death test, which kills the
// first pod): Node's WebCrypto against the server's JCA code, alice on one pod and bob on the other, a service
// emitting to alice from the second pod, and every frame on the wire sealed after `connected`.
import assert from 'node:assert/strict';
import test from 'node:test';
import WebSocket from 'ws';
import { createClient } from '../src/index.js';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this test runs from JsClientIT (./mvnw verify)`);
  return value;
}

async function until(condition, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A `ws` WebSocket that keeps every text frame it sends and receives, as they are on the wire. */
function recordingWebSocket() {
  const wire = { sent: [], received: [] };
  class RecordingWebSocket extends WebSocket {
    constructor(url, ...rest) {
      super(url, ...rest);
      this.on('message', (data) => wire.received.push(String(data)));
    }

    send(data, ...rest) {
      wire.sent.push(String(data));
      return super.send(data, ...rest);
    }
  }
  return { RecordingWebSocket, wire };
}

function assertSealed(wire, who) {
  assert.ok(wire.received.length > 2 && wire.sent.length > 1, `${who}: traffic seen`);
  const [connected, ...later] = wire.received.map((text) => JSON.parse(text));
  assert.equal(connected.event, 'connected', who);
  assert.equal(connected.data.encrypted, true, `${who}: connected says encrypted`);
  for (const frame of later) assert.equal(frame.event, 'encrypted', `${who} received ${JSON.stringify(frame).slice(0, 80)}`);
  for (const text of wire.sent) assert.equal(JSON.parse(text).event, 'encrypted', `${who} sent ${text.slice(0, 80)}`);
  for (const text of [...wire.sent, ...wire.received]) assert.ok(!text.includes('sealed m'), `${who}: no text in the clear`);
}

test('two encrypted clients on two pods chat, and a service emits to one from the other pod', async (t) => {
  const roomName = env('ROOMCAST_IT_ROOM_SEALED');
  const aliceSocket = recordingWebSocket();
  const bobSocket = recordingWebSocket();
  const options = { WebSocket: undefined, transports: ['websocket'], encryption: true };
  const alice = createClient({ ...options, url: env('ROOMCAST_IT_POD_A'), token: env('ROOMCAST_IT_TOKEN_ALICE'), WebSocket: aliceSocket.RecordingWebSocket });
  const bob = createClient({ ...options, url: env('ROOMCAST_IT_POD_B'), token: env('ROOMCAST_IT_TOKEN_BOB'), WebSocket: bobSocket.RecordingWebSocket });
  t.after(() => {
    alice.close();
    bob.close();
  });
  const errors = [];
  for (const client of [alice, bob]) client.on('error', (error) => errors.push(`${error.code} ${error.message}`));
  const emitted = [];
  alice.on('event', (frame) => {
    if (frame.event === 'sealed.notice') emitted.push(frame.data);
  });
  const seenByBob = [];
  const bobRoom = bob.room(roomName);
  bobRoom.on('message.created', ({ message }) => seenByBob.push(message.text));
  const seenByAlice = [];
  const aliceRoom = alice.room(roomName);
  aliceRoom.on('message.created', ({ message }) => seenByAlice.push(message.text));
  alice.connect();
  bob.connect();
  await Promise.all([aliceRoom.join(), bobRoom.join()]);

  const texts = Array.from({ length: 5 }, (_, i) => `sealed m${i + 1}`);
  for (const text of texts) await aliceRoom.sendMessage(text);
  await until(() => seenByBob.length === texts.length, 'alice\'s messages at bob');
  assert.deepEqual(seenByBob, texts, 'in order, once each');
  await bobRoom.sendMessage('sealed m-reply');
  await until(() => seenByAlice.includes('sealed m-reply'), 'bob\'s reply at alice');
  const pong = await alice.request('ping');
  assert.equal(pong.event, 'pong');

  const answer = await fetch(`${env('ROOMCAST_IT_POD_B').replace(/^ws/, 'http')}/api/emit`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${env('ROOMCAST_IT_TOKEN_OPS')}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'user', target: 'js-alice', event: 'sealed.notice', data: { n: 1 } }),
  });
  assert.equal(answer.status, 202);
  await until(() => emitted.length === 1, 'the emitted event at alice');
  assert.deepEqual(emitted, [{ n: 1 }]);

  assertSealed(aliceSocket.wire, 'alice');
  assertSealed(bobSocket.wire, 'bob');
  assert.deepEqual(errors, []);
});
