// The chat page's state that needs no DOM (src/main/resources/META-INF/resources/app): the Timeline that merges REST
// pages and live events, and typing. The page as a whole is tested in Chromium (e2e/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Timeline } from '../../../src/main/resources/META-INF/resources/app/timeline.js';
import { TypingIndicators, TypingSender } from '../../../src/main/resources/META-INF/resources/app/typing.js';

const message = (id, offset, extra = {}) => ({ id: String(id), offset, userId: 'bob', text: `m${offset}`, ...extra });

test('a message that arrives twice (REST page and live event) is held once, and the list stays in offset order', () => {
  const timeline = new Timeline();
  timeline.upsert(message(3, 3));
  timeline.upsert(message(1, 1));
  timeline.upsert(message(3, 3));
  timeline.upsert(message(2, 2, { threadId: '1' }));
  assert.deepEqual(timeline.all().map((m) => m.offset), [1, 2, 3]);
  assert.deepEqual(timeline.topLevel().map((m) => m.id), ['1', '3']);
  assert.deepEqual(timeline.replies('1').map((m) => m.id), ['2']);
  assert.equal(timeline.firstOffset, 1);
  assert.equal(timeline.lastOffset, 3);
});

test('an older copy of an edited message never replaces the newer one', () => {
  const timeline = new Timeline();
  timeline.upsert(message(1, 1, { text: 'new', editedAt: '2026-12-02T10:00:02Z' }));
  timeline.upsert(message(1, 1, { text: 'old', editedAt: '2026-12-02T10:00:01Z' }));
  assert.equal(timeline.get('1').text, 'new');
  timeline.upsert(message(1, 1, { text: 'newer', editedAt: '2026-12-02T10:00:03Z' }));
  assert.equal(timeline.get('1').text, 'newer');
});

test('patch changes a held message and reports one it does not hold', () => {
  const timeline = new Timeline();
  timeline.upsert(message(1, 1, { reactions: {} }));
  const before = timeline.get('1');
  assert.equal(timeline.patch('1', () => ({ pinned: true })), true);
  assert.equal(timeline.get('1').pinned, true);
  assert.notEqual(timeline.get('1'), before, 'a changed message is a new object: the page rebuilds its node');
  assert.equal(timeline.patch('9', () => ({ pinned: true })), false);
});

test('trimTo keeps the newest messages and marks that older ones exist', () => {
  const timeline = new Timeline();
  for (let i = 1; i <= 10; i++) timeline.upsert(message(i, i));
  timeline.hasOlder = false;
  timeline.trimTo(4);
  assert.deepEqual(timeline.all().map((m) => m.offset), [7, 8, 9, 10]);
  assert.equal(timeline.hasOlder, true);
  timeline.clear();
  assert.equal(timeline.all().length, 0);
  assert.equal(timeline.loaded, false);
});

test('typing indicators show who types, end on isTyping false, and expire after 8 s', (t) => {
  t.mock.timers.enable({ apis: ['Date'], now: 0 });
  const typing = new TypingIndicators();
  assert.equal(typing.set('chat:a', 'bob', true), true);
  assert.equal(typing.set('chat:a', 'bob', true), false, 'a repeat changes nothing shown');
  typing.set('chat:a', 'carol', true);
  assert.equal(typing.text('chat:a'), 'bob, carol are typing…');
  assert.equal(typing.text('chat:b'), '');
  assert.equal(typing.set('chat:a', 'carol', false), true);
  assert.equal(typing.text('chat:a'), 'bob is typing…');
  t.mock.timers.tick(7999);
  assert.equal(typing.expire(), false);
  t.mock.timers.tick(1);
  assert.equal(typing.expire(), true);
  assert.equal(typing.text('chat:a'), '');
});

test('the typing sender repeats at most every 3 s, stops after 4 s idle, and sends no false after a message', (t) => {
  t.mock.timers.enable({ apis: ['Date', 'setTimeout'], now: 0 });
  const sent = [];
  const sender = new TypingSender((room, isTyping) => sent.push(`${room} ${isTyping}`));
  sender.input('chat:a');
  t.mock.timers.tick(1000);
  sender.input('chat:a');
  assert.deepEqual(sent, ['chat:a true']);
  t.mock.timers.tick(2500);
  sender.input('chat:a');
  assert.deepEqual(sent, ['chat:a true', 'chat:a true']);
  t.mock.timers.tick(4000);
  assert.deepEqual(sent, ['chat:a true', 'chat:a true', 'chat:a false']);

  sent.length = 0;
  sender.input('chat:a');
  sender.sent();
  t.mock.timers.tick(10000);
  assert.deepEqual(sent, ['chat:a true'], 'the message ends the indicator; no false, no idle timer left');
  sender.stop();
  assert.deepEqual(sent, ['chat:a true'], 'nothing to stop');

  sender.input('chat:a');
  sender.input('chat:b');
  assert.deepEqual(sent, ['chat:a true', 'chat:a true', 'chat:b true'], 'another room announces at once');
});
