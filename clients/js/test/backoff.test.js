import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBackoff } from '../src/backoff.js';
import { flush, setup } from '../test-support/fakes.js';

test('full jitter: each delay is random() times the window, from 0 up to (not including) the window', () => {
  const low = createBackoff({ initialMs: 500, maxMs: 30000, random: () => 0 });
  assert.deepEqual([low.next(), low.next(), low.next()], [0, 0, 0]);

  const high = createBackoff({ initialMs: 500, maxMs: 30000, random: () => 0.9999 });
  assert.deepEqual([high.next(), high.next(), high.next(), high.next()], [499, 999, 1999, 3999]);

  const draws = [0.1, 0.7, 0.25];
  const mixed = createBackoff({ initialMs: 500, maxMs: 30000, random: () => draws.shift() });
  assert.deepEqual([mixed.next(), mixed.next(), mixed.next()], [50, 700, 500]);
});

test('the window doubles from initialMs and is capped at maxMs', () => {
  const backoff = createBackoff({ initialMs: 500, maxMs: 30000, random: () => 0.5 });
  const ceilings = [];
  const delays = [];
  for (let i = 0; i < 10; i += 1) {
    ceilings.push(backoff.ceiling);
    delays.push(backoff.next());
  }
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000]);
  // Far past the cap the exponent must not overflow into NaN or Infinity.
  for (let i = 0; i < 2000; i += 1) backoff.next();
  assert.equal(backoff.next(), 15000);
});

test('defaults are 500 ms and 30 s, and reset() starts over', () => {
  const backoff = createBackoff({ random: () => 0.5 });
  assert.equal(backoff.ceiling, 500);
  for (let i = 0; i < 20; i += 1) backoff.next();
  assert.equal(backoff.ceiling, 30000);
  backoff.reset();
  assert.equal(backoff.attempt, 0);
  assert.equal(backoff.next(), 250);
});

test('a random() that returns 1 stays inside the window', () => {
  const backoff = createBackoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
  assert.equal(backoff.next(), 100);
});

test('invalid bounds are refused', () => {
  assert.throws(() => createBackoff({ initialMs: 0 }), RangeError);
  assert.throws(() => createBackoff({ initialMs: 1000, maxMs: 10 }), RangeError);
});

test('the client waits the backoff delays between failed attempts and resets after a successful connect', async () => {
  const { client, clock, sockets, states, connect } = setup({ backoff: { initialMs: 1000, maxMs: 8000 } });
  client.connect();
  await flush();
  assert.equal(sockets.length, 1);

  // Three failed attempts: windows 1000, 2000, 4000, random 0.5 -> delays 500, 1000, 2000.
  const expected = [500, 1000, 2000];
  for (const delay of expected) {
    sockets.at(-1).drop(1006);
    assert.equal(client.state, 'reconnecting');
    assert.equal(states.at(-1).detail.delayMs, delay);
    const before = sockets.length;
    await clock.advance(delay - 1);
    assert.equal(sockets.length, before, `no new attempt before ${delay} ms`);
    await clock.advance(1);
    assert.equal(sockets.length, before + 1, `a new attempt at ${delay} ms`);
  }

  await connect();
  assert.equal(client.state, 'connected');
  sockets.at(-1).drop(1006);
  assert.equal(states.at(-1).detail.delayMs, 500, 'the window is back to initialMs after a successful connect');
  client.close();
});
