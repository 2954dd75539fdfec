// The client against real pods (run by JsClientIT, which starts two pods and a chat room and passes them in the
// environment): alice writes through a stand-in for the Service, bob reads on the other pod, and alice's pod is
// killed with messages in flight. Every message must reach both exactly once, in offset order.
import assert from 'node:assert/strict';
import test from 'node:test';
import WebSocket from 'ws';
import { createClient } from '../src/index.js';
import { startProxy } from '../test-support/proxy.js';

const MESSAGES = 30;
const KILL_AFTER_ACKED = 10;

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this test runs from JsClientIT (./mvnw verify)`);
  return value;
}

function endpoint(url) {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

async function until(condition, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What a room listener saw: each message.created as {text, offset}. */
function recorder(room) {
  const seen = [];
  room.on('message.created', (data, frame) => seen.push({ text: data.message.text, offset: frame.offset }));
  return seen;
}

function assertExactlyOnceInOrder(seen, who) {
  const offsets = seen.map((m) => m.offset);
  for (let i = 1; i < offsets.length; i++) {
    assert.ok(offsets[i] > offsets[i - 1], `${who}: offsets strictly increase, got ${offsets.join(',')}`);
  }
  const texts = seen.map((m) => m.text);
  assert.equal(new Set(texts).size, texts.length, `${who}: no message twice (${texts.join(',')})`);
  const expected = Array.from({ length: MESSAGES }, (_, i) => `m${i + 1}`);
  assert.deepEqual([...texts].sort(), [...expected].sort(), `${who}: every message`);
}

test('a pod killed mid-conversation: every message exactly once, in order, for the sender and a reader', async (t) => {
  const podA = endpoint(env('ROOMCAST_IT_POD_A'));
  const podB = endpoint(env('ROOMCAST_IT_POD_B'));
  const roomName = env('ROOMCAST_IT_ROOM');
  const service = await startProxy(podA);
  const alice = createClient({
    url: service.url,
    token: env('ROOMCAST_IT_TOKEN_ALICE'),
    WebSocket,
    // This test is about WebSocket sessions; Node's fetch would otherwise make polling a fallback.
    transports: ['websocket'],
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  const bob = createClient({
    url: env('ROOMCAST_IT_POD_B'),
    token: env('ROOMCAST_IT_TOKEN_BOB'),
    WebSocket,
    transports: ['websocket'],
  });
  t.after(() => {
    alice.close();
    bob.close();
    service.close();
  });
  const states = [];
  alice.on('state', (state) => states.push(state));
  const aliceRoom = alice.room(roomName);
  const bobRoom = bob.room(roomName);
  const seenByAlice = recorder(aliceRoom);
  const seenByBob = recorder(bobRoom);
  alice.connect();
  bob.connect();
  await Promise.all([aliceRoom.join(), bobRoom.join()]);

  const sends = [];
  for (let i = 1; i <= KILL_AFTER_ACKED; i++) sends.push(aliceRoom.sendMessage(`m${i}`));
  await Promise.all(sends);
  for (let i = KILL_AFTER_ACKED + 1; i <= MESSAGES; i++) sends.push(aliceRoom.sendMessage(`m${i}`));
  service.switchTo(podB);
  process.kill(Number(env('ROOMCAST_IT_POD_A_PID')), 'SIGKILL');

  const acks = await Promise.all(sends);
  assert.equal(new Set(acks.map((ack) => ack.message.id)).size, MESSAGES, 'one stored message per send');
  assert.ok(states.includes('reconnecting'), `alice lost her pod and came back: ${states.join(' > ')}`);
  // A last message as a barrier: rooms deliver in offset order, so a duplicate of an earlier message (a replay
  // overlapping live events) would arrive before it.
  await aliceRoom.sendMessage('end');
  const sawEnd = (seen) => seen.some((m) => m.text === 'end');
  await until(() => sawEnd(seenByAlice) && sawEnd(seenByBob), 'the last message at both');
  const beforeEnd = (seen) => seen.slice(0, seen.findIndex((m) => m.text === 'end'));
  assertExactlyOnceInOrder(beforeEnd(seenByAlice), 'alice');
  assertExactlyOnceInOrder(beforeEnd(seenByBob), 'bob');
});
