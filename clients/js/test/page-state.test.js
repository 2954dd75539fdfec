// The chat page's state that needs no DOM (src/main/resources/META-INF/resources/app): the Timeline that merges REST
// pages and live events, and typing. The page as a whole is tested in Chromium (e2e/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Timeline } from '../../../src/main/resources/META-INF/resources/app/timeline.js';
import { TypingIndicators, TypingSender } from '../../../src/main/resources/META-INF/resources/app/typing.js';

const message = (id, offset, extra = {}) => ({ id: String(id), offset, userId: 'bob', text: `m${offset}`, ...extra });

test('a message that arrives twice (REST page and live event) is held once, and the list stays in offset order', () => {
  const timeline = new Timeline();
  assert.equal(timeline.add(message(3, 3)), true);
  timeline.add(message(1, 1));
  assert.equal(timeline.add(message(3, 3)), false);
  timeline.add(message(2, 2, { threadId: '1' }));
  assert.deepEqual(timeline.all().map((m) => m.offset), [1, 2, 3]);
  assert.deepEqual(timeline.topLevel().map((m) => m.id), ['1', '3']);
  assert.deepEqual(timeline.replies('1').map((m) => m.id), ['2']);
  assert.equal(timeline.firstOffset, 1);
  assert.equal(timeline.lastOffset, 3);
});

test('a late copy (a REST page fetched before a live delete, edit, reaction or pin) never undoes the live change', () => {
  const timeline = new Timeline();
  const original = message(1, 1, { text: 'hello', reactions: {}, pinned: false, editedAt: null });
  timeline.add(original);
  timeline.patch('1', () => ({ deleted: true, text: '' }));
  timeline.patch('1', () => ({ reactions: { '👍': 1 }, pinned: true }));
  timeline.add(original);
  assert.deepEqual(
    { deleted: timeline.get('1').deleted, text: timeline.get('1').text, pinned: timeline.get('1').pinned },
    { deleted: true, text: '', pinned: true },
  );
  assert.deepEqual(timeline.get('1').reactions, { '👍': 1 });
});

test('a live change to a message outside the window is left out: paging back keeps no gap', () => {
  const timeline = new Timeline();
  for (let i = 951; i <= 1000; i++) timeline.add(message(i, i));
  assert.equal(timeline.patch('10', () => message(10, 10, { text: 'edited' })), false);
  assert.equal(timeline.get('10'), undefined);
  assert.equal(timeline.firstOffset, 951);
  const before = timeline.get('951');
  assert.equal(timeline.patch('951', () => ({ pinned: true })), true);
  assert.equal(timeline.get('951').pinned, true);
  assert.notEqual(timeline.get('951'), before, 'a changed message is a new object: the page rebuilds its node');
});

test('trimTo keeps the newest messages and marks that older ones exist', () => {
  const timeline = new Timeline();
  for (let i = 1; i <= 10; i++) timeline.add(message(i, i));
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
