import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { QueryClient } from '@tanstack/query-core';
import { StrictMode, createElement } from 'react';
import TestRenderer from 'react-test-renderer';
import {
  RoomcastProvider,
  addMessage,
  bindQueryCache,
  roomcastQueryKeys as keys,
  useRoom,
  useRoomcast,
} from '../react/index.js';
import { flush, setup, track } from '../test-support/fakes.js';

const { act, create } = TestRenderer;
// Tells React that updates are wrapped in act(), so that it neither warns nor defers them.
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

const ROOM = 'chat:team';

// React reports misuse (updates outside act, bad snapshots, key warnings) through console.error:
// any of it fails the test.
let reactErrors = [];
const consoleError = console.error;
beforeEach(() => {
  reactErrors = [];
  console.error = (...args) => reactErrors.push(args.map(String).join(' '));
});
afterEach(() => {
  console.error = consoleError;
  assert.deepEqual(reactErrors, [], 'console.error during the test');
});

// ---- helpers ----

/**
 * Renders `hook` inside a RoomcastProvider; `result.current` is its latest value, `result.renders`
 * how often it ran.
 */
function renderHook(client, hook, { timers, strict = false } = {}) {
  const result = { current: undefined, renders: 0 };
  function Probe() {
    result.current = hook();
    result.renders += 1;
    return null;
  }
  let tree = createElement(RoomcastProvider, { client, timers }, createElement(Probe));
  if (strict) tree = createElement(StrictMode, null, tree);
  let renderer;
  act(() => {
    renderer = create(tree);
  });
  return { result, unmount: () => act(() => renderer.unmount()) };
}

/** A client connected to the fake server with ROOM joined at offset 10. */
async function joined() {
  const harness = setup();
  const room = harness.client.room(ROOM);
  room.join();
  await harness.connect();
  harness.socket().ackJoin(undefined, { [ROOM]: { offset: 10, epoch: 'ep1' } });
  await flush();
  assert.equal(room.state, 'joined');
  return { ...harness, room };
}

function message(id, offset, extra = {}) {
  return {
    id,
    room: ROOM,
    offset,
    userId: 'alice',
    text: `message ${id}`,
    clientMsgId: `c-${id}`,
    threadId: null,
    createdAt: '2026-11-29T19:09:22Z',
    editedAt: null,
    deleted: false,
    pinned: false,
    reactions: {},
    replyCount: 0,
    ...extra,
  };
}

/** gcTime Infinity: no garbage-collection timers left behind to keep the test process alive. */
function queryClient() {
  return new QueryClient({ defaultOptions: { queries: { gcTime: Infinity, retry: false } } });
}

const ids = (data) => data.items.map((m) => m.id);
const messages = (qc) => qc.getQueryData(keys.messages(ROOM));
const invalidated = (qc, key) => qc.getQueryState(key)?.isInvalidated === true;

function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

// ---- useRoomcast ----

test('useRoomcast re-renders with the client state and transport', async () => {
  const { client, socket, connect, clock } = setup();
  const { result, unmount } = renderHook(client, () => useRoomcast());
  assert.equal(result.current.client, client);
  assert.equal(result.current.state, 'disconnected');
  assert.equal(result.current.transport, null);

  await act(() => connect());
  assert.equal(result.current.state, 'connected');
  assert.equal(result.current.transport, 'websocket');

  act(() => socket().drop(1006));
  assert.equal(result.current.state, 'reconnecting');
  const renders = result.renders;
  await act(() => clock.advance(0));
  assert.equal(result.renders, renders, 'no render without a state change');
  unmount();
  act(() => client.close());
  assert.equal(result.renders, renders, 'unsubscribed on unmount');
});

test('the hooks need a RoomcastProvider', () => {
  function Bare() {
    useRoomcast();
    return null;
  }
  assert.throws(() => act(() => create(createElement(Bare))), /RoomcastProvider/);
  reactErrors = []; // React logs the error it rethrows
});

// ---- useRoom ----

test('useRoom joins on mount, follows the room state, and leaves on unmount', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const { result, unmount } = renderHook(client, () => useRoom(ROOM));
  assert.equal(result.current.room, client.room(ROOM));
  assert.equal(result.current.state, 'joining');
  assert.deepEqual(socket().last('join').data, { rooms: [ROOM] });

  await act(async () => {
    socket().ackJoin(undefined, { [ROOM]: { offset: 3, epoch: 'ep1' } });
    await flush();
  });
  assert.equal(result.current.state, 'joined');
  assert.equal(result.current.error, null);

  unmount();
  await flush();
  assert.deepEqual(socket().last('leave')?.data, { rooms: [ROOM] });
  assert.equal(client.room(ROOM).state, 'left');
  client.close();
});

test('useRoom is reference-counted: one join for two components, one leave after the last unmounts', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const first = renderHook(client, () => useRoom(ROOM));
  const second = renderHook(client, () => useRoom(ROOM));
  assert.equal(socket().frames('join').length, 1);
  await act(async () => {
    socket().ackJoin(undefined, { [ROOM]: { offset: 3, epoch: 'ep1' } });
    await flush();
  });

  first.unmount();
  await flush();
  assert.equal(socket().frames('leave').length, 0, 'still held by the second');
  assert.equal(second.result.current.state, 'joined');

  second.unmount();
  await flush();
  assert.equal(socket().frames('leave').length, 1);
  client.close();
});

test('useRoom never leaves a room the application joined itself, nor with join:false', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const room = client.room(ROOM);
  room.join();
  socket().ackJoin(undefined, { [ROOM]: { offset: 3, epoch: 'ep1' } });
  await flush();

  const joining = renderHook(client, () => useRoom(ROOM));
  const watching = renderHook(client, () => useRoom('chat:other', { join: false }));
  assert.equal(joining.result.current.state, 'joined');
  assert.equal(watching.result.current.state, 'left');
  assert.equal(socket().frames('join').length, 1, 'no second join, and none for join:false');
  joining.unmount();
  watching.unmount();
  await flush();
  assert.equal(socket().frames('leave').length, 0);
  assert.equal(room.state, 'joined');
  client.close();
});

test('under StrictMode the double mount neither leaves nor joins twice', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const { unmount } = renderHook(client, () => useRoom(ROOM), { strict: true });
  await flush();
  assert.equal(socket().frames('join').length, 1);
  assert.equal(socket().frames('leave').length, 0);
  unmount();
  await flush();
  assert.equal(socket().frames('leave').length, 1);
  client.close();
});

test('useRoom reports a refused join', async () => {
  const { client, socket, connect } = setup();
  await connect();
  const { result, unmount } = renderHook(client, () => useRoom('chat:secret'));
  await act(async () => {
    socket().ack(socket().last('join'), {
      rooms: [{ room: 'chat:secret', joined: false, error: { code: 'FORBIDDEN', message: 'not a member' } }],
    });
    await flush();
  });
  assert.equal(result.current.state, 'left');
  assert.equal(result.current.error?.code, 'FORBIDDEN');
  unmount();
  client.close();
});

test('typing: users appear, repeats extend the 8 s expiry, isTyping:false and presence.leave remove them', async () => {
  const { client, clock, socket, room } = await joined();
  // The fake clock, with the typing timers still pending kept apart from the client's own.
  const pending = new Set();
  const timers = {
    setTimeout: (fn, ms) => {
      const id = clock.setTimeout(() => {
        pending.delete(id);
        fn();
      }, ms);
      pending.add(id);
      return id;
    },
    clearTimeout: (id) => {
      pending.delete(id);
      clock.clearTimeout(id);
    },
  };
  const { result, unmount } = renderHook(client, () => useRoom(ROOM), { timers });
  const typing = (userId, isTyping = true) => act(() => socket().push({ event: 'typing', room: ROOM, data: { userId, isTyping } }));
  assert.deepEqual(result.current.typing, []);

  typing('bob');
  typing('carol');
  assert.deepEqual(result.current.typing, ['bob', 'carol']);
  await act(() => clock.advance(5000));
  typing('bob'); // bob's indication now lasts until 13 s
  const renders = result.renders;
  await act(() => clock.advance(2999));
  assert.deepEqual(result.current.typing, ['bob', 'carol']);
  assert.equal(result.renders, renders, 'a repeat renders nothing');
  await act(() => clock.advance(1));
  assert.deepEqual(result.current.typing, ['bob'], 'carol expired after 8 s');
  await act(() => clock.advance(4999));
  assert.deepEqual(result.current.typing, ['bob']);
  await act(() => clock.advance(1));
  assert.deepEqual(result.current.typing, [], 'bob expired 8 s after his repeat');

  typing('bob');
  typing('dave');
  typing('bob', false);
  assert.deepEqual(result.current.typing, ['dave']);
  act(() => socket().push({ event: 'presence.leave', room: ROOM, data: { userId: 'dave' } }));
  assert.deepEqual(result.current.typing, []);
  assert.equal(pending.size, 0, 'no expiry timers left');

  typing('erin');
  await act(async () => {
    socket().drop(1006);
    await flush();
  });
  assert.equal(room.state, 'joining');
  assert.deepEqual(result.current.typing, [], 'indications from before a drop are dropped');
  assert.equal(pending.size, 0);
  unmount();
  client.close();
});

// ---- bindQueryCache ----

test('message.created is written into the messages query once, also when the send ack brings it', async () => {
  const { client, socket, room } = await joined();
  const qc = queryClient();
  qc.setQueryData(keys.messages(ROOM), { items: [message(1, 9)], hasMore: true });
  const unbind = bindQueryCache(client, qc);

  // Event first, then the ack.
  const sent = track(room.sendMessage('hello'));
  const send = socket().last('message.send');
  const mine = message(2, 11, { text: 'hello', clientMsgId: send.data.clientMsgId });
  socket().push({ event: 'message.created', room: ROOM, offset: 11, data: { message: mine } });
  socket().ack(send, { message: mine });
  await flush();
  addMessage(qc, sent.value.message);
  assert.deepEqual(ids(messages(qc)), [1, 2]);
  assert.equal(messages(qc).hasMore, true);

  // Ack first (written at once), then the event.
  addMessage(qc, message(3, 12));
  socket().push({ event: 'message.created', room: ROOM, offset: 12, data: { message: message(3, 12) } });
  assert.deepEqual(ids(messages(qc)), [1, 2, 3]);

  // The ack never overwrites what events changed since.
  socket().push({ event: 'reaction.added', room: ROOM, offset: 13, data: { messageId: 3, emoji: '👍', userId: 'bob', count: 1 } });
  addMessage(qc, message(3, 12));
  assert.deepEqual(messages(qc).items[2].reactions, { '👍': 1 });
  unbind();
  client.close();
});

test('messages are kept in offset order, and one older than a page with more before it is left out', async () => {
  const { client } = await joined();
  const qc = queryClient();
  qc.setQueryData(keys.messages(ROOM), { items: [message(5, 5), message(8, 8)], hasMore: true });
  const unbind = bindQueryCache(client, qc);
  addMessage(qc, message(6, 6));
  addMessage(qc, message(9, 9));
  addMessage(qc, message(2, 2)); // belongs to the older page, not loaded
  assert.deepEqual(ids(messages(qc)), [5, 6, 8, 9]);

  qc.setQueryData(keys.messages(ROOM), { items: [message(5, 5)], hasMore: false });
  addMessage(qc, message(2, 2));
  assert.deepEqual(ids(messages(qc)), [2, 5], 'the whole history is loaded: it goes first');

  qc.setQueryData(keys.messages(ROOM), { items: [], hasMore: false });
  addMessage(qc, message(1, 1));
  assert.deepEqual(ids(messages(qc)), [1], 'an empty room');
  assert.throws(() => addMessage(qc, { id: 1 }), TypeError);
  unbind();
  client.close();
});

test('message.updated, message.deleted, reactions, pins and thread.updated change the cached message', async () => {
  const { client, socket } = await joined();
  const qc = queryClient();
  qc.setQueryData(keys.messages(ROOM), { items: [message(1, 9), message(2, 10)], hasMore: false });
  const unbind = bindQueryCache(client, qc);
  let offset = 10;
  const push = (event, data) => socket().push({ event, room: ROOM, offset: ++offset, data });
  const second = () => messages(qc).items[1];

  push('message.updated', { message: message(2, 10, { text: 'edited', editedAt: '2026-11-29T19:10:00Z' }) });
  assert.equal(second().text, 'edited');
  assert.equal(second().offset, 10, 'a message keeps its place');

  push('reaction.added', { messageId: 2, emoji: '👍', userId: 'bob', count: 1 });
  push('reaction.added', { messageId: 2, emoji: '👍', userId: 'carol', count: 2 });
  push('reaction.added', { messageId: 2, emoji: '🎉', userId: 'bob', count: 1 });
  assert.deepEqual(second().reactions, { '👍': 2, '🎉': 1 });
  push('reaction.removed', { messageId: 2, emoji: '🎉', userId: 'bob', count: 0 });
  push('reaction.removed', { messageId: 2, emoji: '👍', userId: 'bob', count: 1 });
  assert.deepEqual(second().reactions, { '👍': 1 });

  push('message.pinned', { messageId: 2 });
  assert.equal(second().pinned, true);
  push('message.unpinned', { messageId: 2 });
  assert.equal(second().pinned, false);

  push('thread.updated', { messageId: 1, replyCount: 3 });
  assert.equal(messages(qc).items[0].replyCount, 3);

  push('message.deleted', { messageId: 2 });
  assert.equal(second().deleted, true);
  assert.equal(second().text, '');
  assert.deepEqual(ids(messages(qc)), [1, 2], 'a deleted message keeps its place');

  push('message.deleted', { messageId: 99 });
  push('message.updated', { message: message(98, 4) });
  assert.deepEqual(ids(messages(qc)), [1, 2], 'changes to messages not loaded are not written');
  push('message.deleted', {});
  push('message.created', { message: { id: 7 } });
  assert.deepEqual(ids(messages(qc)), [1, 2], 'malformed data is ignored');
  unbind();
  client.close();
});

test('infinite query pages: new messages go into the newest page whichever end it is, changes into their page', async () => {
  const { client, socket } = await joined();
  const qc = queryClient();
  const newestFirst = keys.messages(ROOM);
  const page = (items, hasMore) => ({ items, hasMore });
  qc.setQueryData(newestFirst, {
    pages: [page([message(3, 3), message(4, 4)], true), page([message(1, 1), message(2, 2)], false)],
    pageParams: [undefined, 3],
  });
  const unbind = bindQueryCache(client, qc);
  socket().push({ event: 'message.created', room: ROOM, offset: 11, data: { message: message(11, 11) } });
  socket().push({ event: 'message.pinned', room: ROOM, offset: 12, data: { messageId: 1 } });
  let data = qc.getQueryData(newestFirst);
  assert.deepEqual(data.pages.map(ids), [[3, 4, 11], [1, 2]]);
  assert.equal(data.pages[1].items[0].pinned, true);
  assert.deepEqual(data.pageParams, [undefined, 3]);

  // Older pages fetched as previous pages: the newest page is the last.
  qc.setQueryData(newestFirst, {
    pages: [page([message(1, 1), message(2, 2)], false), page([message(3, 3), message(4, 4)], true)],
    pageParams: [3, undefined],
  });
  socket().push({ event: 'message.created', room: ROOM, offset: 13, data: { message: message(13, 13) } });
  data = qc.getQueryData(newestFirst);
  assert.deepEqual(data.pages.map(ids), [[1, 2], [3, 4, 13]]);
  unbind();
  client.close();
});

test('events that arrive while the messages query fetches are written again on the fetched data', async () => {
  const { client, socket } = await joined();
  const qc = queryClient();
  const unbind = bindQueryCache(client, qc);

  // First load: nothing in the cache yet.
  const first = deferred();
  const loading = qc.fetchQuery({ queryKey: keys.messages(ROOM), queryFn: () => first.promise });
  socket().push({ event: 'message.created', room: ROOM, offset: 11, data: { message: message(11, 11) } });
  first.resolve({ items: [message(9, 9)], hasMore: false }); // answered before message 11 existed
  await loading;
  assert.deepEqual(ids(messages(qc)), [9, 11]);

  // A refetch over existing data, with a change to a message in the answer.
  const second = deferred();
  const refetching = qc.fetchQuery({ queryKey: keys.messages(ROOM), queryFn: () => second.promise, staleTime: 0 });
  socket().push({ event: 'message.created', room: ROOM, offset: 12, data: { message: message(12, 12) } });
  socket().push({ event: 'reaction.added', room: ROOM, offset: 13, data: { messageId: 11, emoji: '👍', userId: 'bob', count: 1 } });
  assert.deepEqual(ids(messages(qc)), [9, 11, 12], 'written at once on the data there');
  second.resolve({ items: [message(9, 9), message(11, 11)], hasMore: false });
  await refetching;
  assert.deepEqual(ids(messages(qc)), [9, 11, 12]);
  assert.deepEqual(messages(qc).items[1].reactions, { '👍': 1 });

  // Nothing kept for later fetches.
  qc.setQueryData(keys.messages(ROOM), { items: [message(9, 9)], hasMore: false });
  const third = deferred();
  const again = qc.fetchQuery({ queryKey: keys.messages(ROOM), queryFn: () => third.promise, staleTime: 0 });
  third.resolve({ items: [message(9, 9)], hasMore: false });
  await again;
  assert.deepEqual(ids(messages(qc)), [9]);
  unbind();
  qc.clear();
  client.close();
});

test('room.* and member.* invalidate the rooms list and the room queries they concern', async () => {
  const { client, socket } = await joined();
  const qc = queryClient();
  const seed = () => {
    qc.clear();
    for (const key of [keys.rooms(), keys.roomInfo(ROOM), keys.messages(ROOM), keys.roomInfo('chat:x'), keys.messages('chat:x')]) {
      qc.setQueryData(key, { items: [], hasMore: false });
    }
  };
  const stale = () =>
    [keys.rooms(), keys.roomInfo(ROOM), keys.messages(ROOM), keys.roomInfo('chat:x'), keys.messages('chat:x')]
      .filter((key) => invalidated(qc, key))
      .map((key) => key.slice(1).join(' '));
  const unbind = bindQueryCache(client, qc);

  seed();
  socket().push({ event: 'room.updated', room: ROOM, offset: 11, data: { room: ROOM } });
  assert.deepEqual(stale(), ['rooms', `room ${ROOM} info`]);

  seed();
  socket().push({ event: 'member.added', data: { room: 'chat:x' } });
  assert.deepEqual(stale(), ['rooms']);

  seed();
  socket().push({ event: 'member.removed', data: { room: 'chat:x', reason: 'kicked' } });
  assert.deepEqual(stale(), ['rooms', 'room chat:x info', 'room chat:x messages']);

  seed();
  socket().push({ event: 'room.deleted', room: ROOM, offset: 12, data: { room: ROOM } });
  assert.deepEqual(stale(), ['rooms', `room ${ROOM} info`, `room ${ROOM} messages`]);
  unbind();
  client.close();
});

test("a room's reset invalidates its queries, also for a query added after binding", async () => {
  const { client, clock, sockets } = await joined();
  const other = client.room('chat:other');
  other.join();
  sockets[0].ackJoin(sockets[0].last('join'), { 'chat:other': { offset: 5, epoch: 'ep2' } });
  await flush();
  const qc = queryClient();
  qc.setQueryData(keys.messages(ROOM), { items: [], hasMore: false });
  const unbind = bindQueryCache(client, qc);
  qc.setQueryData(keys.messages('chat:other'), { items: [], hasMore: false });
  qc.setQueryData(keys.rooms(), { items: [] });

  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  sockets[1].ackJoin(sockets[1].last('join'), {
    [ROOM]: { offset: 30, epoch: 'ep1', recovered: false },
    'chat:other': { offset: 5, epoch: 'ep2', recovered: true },
  });
  await flush();
  assert.equal(invalidated(qc, keys.messages(ROOM)), true, 'reset');
  assert.equal(invalidated(qc, keys.messages('chat:other')), false, 'recovered: the replay keeps it current');
  assert.equal(invalidated(qc, keys.rooms()), true, 'user deliveries are not replayed after a reconnect');
  unbind();
  client.close();
});

test('the first connect after binding invalidates nothing, each reconnect the rooms list and the notifications', async () => {
  const { client, clock, sockets, connect } = setup();
  const qc = queryClient();
  qc.setQueryData(keys.rooms(), { items: [] });
  qc.setQueryData(keys.notifications(), { items: [] });
  const unbind = bindQueryCache(client, qc);
  await connect();
  assert.equal(invalidated(qc, keys.rooms()), false, 'fetched while connecting: nothing was missed');
  assert.equal(invalidated(qc, keys.notifications()), false);

  sockets[0].drop(1006);
  await clock.advance(250);
  assert.equal(invalidated(qc, keys.rooms()), false, 'not before the connection is back');
  sockets[1].accept();
  await flush();
  assert.equal(invalidated(qc, keys.rooms()), true);
  assert.equal(invalidated(qc, keys.notifications()), true);
  unbind();
  client.close();
});

test('notification invalidates the notifications, read.updated writes unread into the rooms list', async () => {
  const { client, socket } = await joined();
  const qc = queryClient();
  qc.setQueryData(keys.notifications(), { items: [] });
  qc.setQueryData([...keys.notifications(), { unread: true }], { items: [] });
  qc.setQueryData(keys.rooms(), { items: [{ room: ROOM, unread: 4 }, { room: 'chat:x', unread: 1 }] });
  const unbind = bindQueryCache(client, qc);

  socket().push({ event: 'read.updated', data: { room: ROOM, offset: 12, unread: 0 } });
  assert.deepEqual(qc.getQueryData(keys.rooms()).items, [{ room: ROOM, unread: 0 }, { room: 'chat:x', unread: 1 }]);
  assert.equal(invalidated(qc, keys.notifications()), false);

  socket().push({ event: 'notification', data: { type: 'mention', room: ROOM, messageId: 1, from: 'bob' } });
  assert.equal(invalidated(qc, keys.notifications()), true);
  assert.equal(invalidated(qc, [...keys.notifications(), { unread: true }]), true);
  assert.equal(invalidated(qc, keys.rooms()), false);
  unbind();
  client.close();
});

test('the unsubscribe returned by bindQueryCache stops every write and invalidation', async () => {
  const { client, clock, sockets } = await joined();
  const qc = queryClient();
  qc.setQueryData(keys.messages(ROOM), { items: [message(1, 9)], hasMore: false });
  qc.setQueryData(keys.rooms(), { items: [] });
  qc.setQueryData(keys.notifications(), { items: [] });
  const unbind = bindQueryCache(client, qc);
  unbind();
  unbind(); // twice is harmless

  sockets[0].push({ event: 'message.created', room: ROOM, offset: 11, data: { message: message(2, 11) } });
  sockets[0].push({ event: 'member.added', data: { room: 'chat:x' } });
  sockets[0].push({ event: 'notification', data: { type: 'mention', room: ROOM, messageId: 2, from: 'bob' } });
  sockets[0].drop(1006);
  await clock.advance(250);
  sockets[1].accept();
  await flush();
  sockets[1].ackJoin(sockets[1].last('join'), { [ROOM]: { offset: 30, epoch: 'ep1', recovered: false } });
  await flush();
  assert.deepEqual(ids(messages(qc)), [1]);
  assert.equal(invalidated(qc, keys.rooms()), false);
  assert.equal(invalidated(qc, keys.notifications()), false);
  assert.equal(invalidated(qc, keys.messages(ROOM)), false);
  client.close();
});
