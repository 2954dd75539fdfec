/**
 * @roomcast/client/react: React hooks over a RoomcastClient, and a TanStack Query binding that keeps a
 * query cache in step with a room's events (docs/protocol.md 5). Types: index.d.ts.
 *
 * The query binding works on the QueryClient it is given (duck-typed): TanStack Query is no dependency.
 *
 * @typedef {import('../src/index.js').RoomcastClient} RoomcastClient
 * @typedef {import('../src/index.js').Room} Room
 * @typedef {import('./index.js').Timers} Timers
 * @typedef {import('./index.js').QueryClientLike} QueryClientLike
 */
import { createContext, createElement, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';

// ---------------------------------------------------------------------------------------------
// Provider and useRoomcast

/** @type {Timers} */
const globalTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle),
};

/** @type {import('react').Context<{client: RoomcastClient, timers: Timers} | null>} */
const RoomcastContext = createContext(/** @type {any} */ (null));

/**
 * Makes `client` available to the hooks below it. It does not connect or close the client: the
 * application owns its lifetime.
 * @param {{client: RoomcastClient, timers?: Timers, children?: import('react').ReactNode}} props
 */
export function RoomcastProvider({ client, timers, children }) {
  if (!client) throw new TypeError('RoomcastProvider needs a client');
  const resolvedTimers = timers ?? globalTimers;
  // A new value would re-render every consumer with the provider.
  const value = useMemo(() => ({ client, timers: resolvedTimers }), [client, resolvedTimers]);
  return createElement(RoomcastContext.Provider, { value }, children);
}

function useRoomcastContext() {
  const context = useContext(RoomcastContext);
  if (!context) throw new Error('Roomcast hooks must be used inside <RoomcastProvider client={...}>');
  return context;
}

/** @type {WeakMap<RoomcastClient, {client: RoomcastClient, state: string, transport: string | null}>} */
const clientSnapshots = new WeakMap();

/**
 * useSyncExternalStore compares snapshots by identity: the same object must come back as long as
 * nothing changed.
 * @param {RoomcastClient} client
 */
function clientSnapshot(client) {
  const last = clientSnapshots.get(client);
  if (last && last.state === client.state && last.transport === client.transport) return last;
  const next = { client, state: client.state, transport: client.transport };
  clientSnapshots.set(client, next);
  return next;
}

/**
 * The provider's client, its connection state and transport; re-renders on every state change.
 * @returns {{client: RoomcastClient, state: import('../src/index.js').ClientState, transport: import('../src/index.js').TransportName | null}}
 */
export function useRoomcast() {
  const { client } = useRoomcastContext();
  const subscribe = subscriberOf(client, 'state');
  const read = () => clientSnapshot(client);
  return /** @type {any} */ (useSyncExternalStore(subscribe, read, read));
}

/** @type {WeakMap<object, Map<string, (listener: () => void) => () => void>>} */
const subscribers = new WeakMap();

/**
 * A subscribe function that keeps its identity per (source, event): useSyncExternalStore
 * resubscribes whenever it gets a new one.
 * @param {{on(event: string, fn: () => void): () => void}} source a client or a room
 * @param {string} event
 */
function subscriberOf(source, event) {
  let bySource = subscribers.get(source);
  if (!bySource) subscribers.set(source, (bySource = new Map()));
  let subscribe = bySource.get(event);
  if (!subscribe) bySource.set(event, (subscribe = (listener) => source.on(event, () => listener())));
  return subscribe;
}

// ---------------------------------------------------------------------------------------------
// useRoom

/** Receivers expire a typing indication after this long unless it is repeated (protocol.md 5.2). */
export const TYPING_EXPIRY_MS = 8000;

/**
 * How many mounted hooks hold each room, and whether they joined it. Rooms that the application
 * joined itself (not `left` when the first hook mounted) are never left by the hooks.
 * @type {WeakMap<Room, {count: number, owned: boolean}>}
 */
const holds = new WeakMap();

/** @param {Room} room @returns {() => void} release */
function holdRoom(room) {
  let hold = holds.get(room);
  if (!hold) holds.set(room, (hold = { count: 0, owned: false }));
  hold.count += 1;
  // Also after the server took us out (kicked, deleted, join refused): a newly mounted user asks again.
  if (room.state === 'left') {
    hold.owned = true;
    // A refused join reaches the hooks as the room's 'left' state and its error.
    room.join().catch(() => {});
  }
  const current = hold;
  return () => {
    current.count -= 1;
    // Deferred so that an unmount followed at once by a mount (StrictMode, a moved component)
    // does not leave and join again.
    queueMicrotask(() => {
      if (current.count > 0 || !current.owned) return;
      current.owned = false;
      room.leave().catch(() => {});
    });
  };
}

/**
 * Joins `name` while mounted (unless `join: false`) and follows its state and who is typing.
 * Several components may use one room: it is joined once and left after the last of them unmounts,
 * and only if a hook joined it.
 * @param {string} name
 * @param {{join?: boolean}} [options]
 */
export function useRoom(name, { join = true } = {}) {
  const { client, timers } = useRoomcastContext();
  const room = client.room(name);
  const subscribe = subscriberOf(room, 'state');
  const read = () => room.state;
  const state = useSyncExternalStore(subscribe, read, read);
  useEffect(() => (join ? holdRoom(room) : undefined), [room, join]);
  const error = useJoinError(room);
  const typing = useTyping(room, timers);
  return { room, state, typing, error };
}

/**
 * Why the last join was refused (FORBIDDEN, NOT_FOUND, ...), until the room is joined again.
 * @param {Room} room
 */
function useJoinError(room) {
  const [error, setError] = useState(/** @type {import('../src/index.js').RoomcastError | null} */ (null));
  useEffect(() => {
    setError(null);
    return room.on('state', (state, /** @type {any} */ detail) => {
      if (state === 'joined') setError(null);
      // A refused join leaves the room with the RoomcastError that refused it.
      else if (state === 'left' && detail?.error) setError(detail.error);
    });
  }, [room]);
  return error;
}

/**
 * Users typing in the room now, in the order they started. Ephemeral: kept here, not in a cache.
 * @param {Room} room
 * @param {Timers} timers
 * @returns {string[]}
 */
function useTyping(room, timers) {
  const [typing, setTyping] = useState(/** @type {string[]} */ ([]));
  useEffect(() => {
    /** @type {Map<string, unknown>} userId -> expiry timer */
    const expiries = new Map();
    const publish = () => setTyping([...expiries.keys()]);
    const stop = (/** @type {string} */ userId) => {
      if (!expiries.has(userId)) return false;
      timers.clearTimeout(expiries.get(userId));
      expiries.delete(userId);
      return true;
    };
    const stopAll = () => {
      for (const userId of [...expiries.keys()]) stop(userId);
      setTyping((previous) => (previous.length ? [] : previous));
    };
    const start = (/** @type {string} */ userId) => {
      const known = stop(userId);
      expiries.set(
        userId,
        timers.setTimeout(() => {
          if (stop(userId)) publish();
        }, TYPING_EXPIRY_MS),
      );
      // A repeat only moves the expiry: nothing to render.
      if (!known) publish();
    };
    stopAll();
    const unsubscribes = [
      room.on('typing', ({ userId, isTyping }) => {
        if (typeof userId !== 'string') return;
        if (isTyping) start(userId);
        else if (stop(userId)) publish();
      }),
      room.on('presence.leave', ({ userId }) => {
        if (stop(userId)) publish();
      }),
      // Indications from before a drop are stale, and no stop would reach us once left.
      room.on('state', (state) => {
        if (state !== 'joined') stopAll();
      }),
    ];
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const timer of expiries.values()) timers.clearTimeout(timer);
    };
  }, [room, timers]);
  return typing;
}

// ---------------------------------------------------------------------------------------------
// TanStack Query

/**
 * The query keys the binding writes and invalidates. Use them for the matching queries.
 * `room(name)` is the prefix of all of a room's keys.
 */
export const roomcastQueryKeys = Object.freeze({
  all: () => /** @type {const} */ (['roomcast']),
  /** `GET /api/rooms`: `{items: [ROOM + unread]}`. */
  rooms: () => /** @type {const} */ (['roomcast', 'rooms']),
  room: (/** @type {string} */ name) => /** @type {const} */ (['roomcast', 'room', name]),
  /** `GET /api/rooms/{room}`: `ROOM`. */
  roomInfo: (/** @type {string} */ name) => /** @type {const} */ (['roomcast', 'room', name, 'info']),
  /** `GET /api/rooms/{room}/messages`: `{items, hasMore}`, or infinite query pages of it. */
  messages: (/** @type {string} */ name) => /** @type {const} */ (['roomcast', 'room', name, 'messages']),
  /** `GET /api/notifications` (any variant below this prefix). */
  notifications: () => /** @type {const} */ (['roomcast', 'notifications']),
});

/** Reads the room name back from a key of `roomcastQueryKeys.room(name)`'s family. */
function roomOfKey(/** @type {unknown} */ key) {
  return Array.isArray(key) && key[0] === 'roomcast' && key[1] === 'room' && typeof key[2] === 'string'
    ? key[2]
    : null;
}

const isMessagesKey = (/** @type {unknown} */ key) =>
  roomOfKey(key) !== null && /** @type {unknown[]} */ (key).length === 4 && /** @type {unknown[]} */ (key)[3] === 'messages';

/**
 * Writes made to a messages query while it fetches, kept to be made again on the fetched data:
 * TanStack replaces the data with the fetch's answer, which may predate them.
 * @type {WeakMap<QueryClientLike, {bindings: number, pending: Map<string, ((data: any) => any)[]>}>}
 */
const writeQueues = new WeakMap();

/**
 * @param {QueryClientLike} queryClient
 * @param {string} room
 * @param {(data: any) => any} update returns the new data, or undefined for no change
 */
function writeMessages(queryClient, room, update) {
  const key = roomcastQueryKeys.messages(room);
  const queue = writeQueues.get(queryClient);
  const fetchStatus = queryClient.getQueryState(key)?.fetchStatus;
  if (queue && queue.bindings > 0 && fetchStatus != null && fetchStatus !== 'idle') {
    const pending = queue.pending.get(room) ?? [];
    queue.pending.set(room, [...pending, update]);
  }
  queryClient.setQueryData(key, (/** @type {any} */ data) => (data === undefined ? undefined : update(data)));
}

// ---- message list updates: {items, hasMore}, or an infinite query's {pages: [{items, hasMore}], pageParams} ----

/**
 * Applies `fn` to the message with that id, wherever it is.
 * @param {any} data
 * @param {number} id
 * @param {(message: any) => any} fn
 * @returns {any} the new data, or undefined when the message is not there
 */
function mapMessage(data, id, fn) {
  let found = false;
  const mapPage = (/** @type {any} */ page) => {
    const index = Array.isArray(page?.items) ? page.items.findIndex((/** @type {any} */ m) => m?.id === id) : -1;
    if (index < 0) return page;
    found = true;
    const items = [...page.items];
    items[index] = fn(items[index]);
    return { ...page, items };
  };
  const next = Array.isArray(data?.pages) ? { ...data, pages: data.pages.map(mapPage) } : mapPage(data);
  return found ? next : undefined;
}

/**
 * Inserts a message the data does not hold yet, in offset order, into the page whose range it falls in
 * (the newest page for a new message). Pages are taken to be loaded backwards from the newest, as the
 * protocol advises: `hasMore` means older messages exist, and a message older than the oldest loaded one
 * is left to the page that will bring it.
 * @param {any} data
 * @param {any} message
 * @returns {any} the new data, or undefined for no change
 */
function insertMessage(data, message) {
  const pages = Array.isArray(data?.pages) ? data.pages : [data];
  if (!pages.every((/** @type {any} */ page) => Array.isArray(page?.items))) return undefined;
  if (pages.some((/** @type {any} */ page) => page.items.some((/** @type {any} */ m) => m?.id === message.id))) {
    return undefined;
  }
  const target = targetPage(pages, message.offset);
  if (target < 0) return undefined;
  const items = [...pages[target].items];
  const at = items.findIndex((/** @type {any} */ m) => m?.offset > message.offset);
  items.splice(at < 0 ? items.length : at, 0, message);
  const page = { ...pages[target], items };
  if (!Array.isArray(data?.pages)) return page;
  return { ...data, pages: pages.map((/** @type {any} */ p, /** @type {number} */ i) => (i === target ? page : p)) };
}

/**
 * The page whose first offset is the highest at or below `offset`; -1 when the message is older than
 * everything loaded and older pages exist.
 * @param {{items: {offset: number}[], hasMore?: boolean}[]} pages
 * @param {number} offset
 */
function targetPage(pages, offset) {
  let best = -1;
  let oldest = -1;
  pages.forEach((page, i) => {
    if (page.items.length === 0) return;
    const first = page.items[0].offset;
    if (first <= offset && (best < 0 || first > pages[best].items[0].offset)) best = i;
    if (oldest < 0 || first < pages[oldest].items[0].offset) oldest = i;
  });
  if (best >= 0) return best;
  if (oldest >= 0) return pages[oldest].hasMore ? -1 : oldest;
  return 0; // nothing loaded: the room is empty
}

const isMessage = (/** @type {any} */ m) =>
  m != null && typeof m === 'object' && m.id != null && typeof m.room === 'string' && Number.isFinite(m.offset);

/**
 * The change a message event makes to a messages list (protocol.md 5.2).
 * @param {string} event
 * @param {any} data
 * @returns {((list: any) => any) | null} null for other events, and for data without what it needs
 */
function messageUpdate(event, data) {
  if (event === 'message.created' || event === 'message.updated') {
    const message = data?.message;
    if (!isMessage(message)) return null;
    return event === 'message.created'
      ? (list) => insertMessage(list, message)
      : (list) => mapMessage(list, message.id, () => message);
  }
  const change = messageChanges[event];
  if (!change || data?.messageId == null) return null;
  return (list) => mapMessage(list, data.messageId, (message) => change(message, data));
}

/** @type {Record<string, (message: any, data: any) => any>} */
const messageChanges = {
  'message.deleted': (message) => ({ ...message, deleted: true, text: '' }),
  'reaction.added': withReaction,
  'reaction.removed': withReaction,
  'message.pinned': (message) => ({ ...message, pinned: true }),
  'message.unpinned': (message) => ({ ...message, pinned: false }),
  'thread.updated': (message, { replyCount }) => (Number.isInteger(replyCount) ? { ...message, replyCount } : message),
};

/** Reaction events carry the emoji's new total, so applying one again changes nothing. */
function withReaction(/** @type {any} */ message, /** @type {{emoji?: unknown, count?: unknown}} */ { emoji, count }) {
  if (typeof emoji !== 'string' || typeof count !== 'number') return message;
  const reactions = { ...message.reactions };
  if (count > 0) reactions[emoji] = count;
  else delete reactions[emoji];
  return { ...message, reactions };
}

/**
 * Adds a message the cache does not have yet to its room's messages query: the ack of `sendMessage`, or
 * the answer of `POST /api/rooms/{room}/messages`. A message already there is left as it is: its events
 * keep it current, and an ack may be older than they are.
 * @param {QueryClientLike} queryClient
 * @param {import('../src/index.js').Message} message
 */
export function addMessage(queryClient, message) {
  if (!isMessage(message)) throw new TypeError('addMessage needs a message object (protocol.md 5.1)');
  writeMessages(queryClient, message.room, (list) => insertMessage(list, message));
}

/**
 * Keeps `queryClient` in step with `client`'s events (protocol.md 5):
 * - `message.*`, `reaction.*`, `thread.updated`: written into the room's messages query;
 * - `room.updated`, `room.deleted`, `member.added`, `member.removed`: the rooms list (and the room's
 *   queries, for a room deleted or left) invalidated;
 * - `read.updated`: the room's `unread` written into the rooms list;
 * - `notification`: the notifications invalidated;
 * - a room's `reset` (missed events that could not be replayed): the room's queries invalidated;
 * - a reconnect: the rooms list and notifications invalidated (user deliveries are not replayed).
 * @param {RoomcastClient} client
 * @param {QueryClientLike} queryClient
 * @returns {() => void} stops all of it
 */
export function bindQueryCache(client, queryClient) {
  const invalidate = (/** @type {readonly unknown[]} */ queryKey) => void queryClient.invalidateQueries({ queryKey });
  const queue = writeQueues.get(queryClient) ?? { bindings: 0, pending: new Map() };
  writeQueues.set(queryClient, queue);
  queue.bindings += 1;

  const offEvent = client.on('event', (/** @type {any} */ frame) => onFrame(frame, queryClient, invalidate));
  const offState = onReconnect(client, () => {
    invalidate(roomcastQueryKeys.rooms());
    invalidate(roomcastQueryKeys.notifications());
  });
  const resets = watchResets(client, queryClient, (room) => invalidate(roomcastQueryKeys.room(room)));
  const offCache = queryClient.getQueryCache().subscribe((/** @type {any} */ event) => {
    resets.see(event?.query?.queryKey);
    if (event?.type === 'updated') replayAfterFetch(queryClient, queue, event.query, event.action);
  });

  let bound = true;
  return () => {
    if (!bound) return;
    bound = false;
    offEvent();
    offState();
    offCache();
    resets.stop();
    queue.bindings -= 1;
    if (queue.bindings === 0) queue.pending.clear();
  };
}

/**
 * @param {any} frame
 * @param {QueryClientLike} queryClient
 * @param {(key: readonly unknown[]) => void} invalidate
 */
function onFrame(frame, queryClient, invalidate) {
  const keys = roomcastQueryKeys;
  const data = frame.data ?? {};
  const update = messageUpdate(frame.event, data);
  if (update && typeof frame.room === 'string') {
    writeMessages(queryClient, frame.room, update);
    return;
  }
  const room = typeof frame.room === 'string' ? frame.room : typeof data.room === 'string' ? data.room : null;
  switch (frame.event) {
    case 'room.updated':
      invalidate(keys.rooms());
      if (room) invalidate(keys.roomInfo(room));
      break;
    case 'room.deleted':
    case 'member.removed':
      invalidate(keys.rooms());
      if (room) invalidate(keys.room(room));
      break;
    case 'member.added':
      invalidate(keys.rooms());
      break;
    case 'read.updated':
      if (room && Number.isInteger(data.unread)) queryClient.setQueryData(keys.rooms(), (list) => withUnread(list, room, data.unread));
      break;
    case 'notification':
      invalidate(keys.notifications());
      break;
  }
}

/** @param {any} list `GET /api/rooms`'s `{items}` @param {string} room @param {number} unread */
function withUnread(list, room, unread) {
  if (!Array.isArray(list?.items)) return undefined;
  const index = list.items.findIndex((/** @type {any} */ item) => item?.room === room);
  if (index < 0 || list.items[index].unread === unread) return undefined;
  const items = [...list.items];
  items[index] = { ...items[index], unread };
  return { ...list, items };
}

/**
 * Calls `fn` on every `connected` after the first one this sees.
 * @param {RoomcastClient} client
 * @param {() => void} fn
 */
function onReconnect(client, fn) {
  let connectedBefore = client.state === 'connected';
  return client.on('state', (state) => {
    if (state !== 'connected') return;
    if (connectedBefore) fn();
    connectedBefore = true;
  });
}

/**
 * Listens to the `reset` of every room that has a query in the cache: the client announces resets
 * per room only, and a room without queries has nothing to reload.
 * @param {RoomcastClient} client
 * @param {QueryClientLike} queryClient
 * @param {(room: string) => void} onReset
 */
function watchResets(client, queryClient, onReset) {
  /** @type {Map<string, () => void>} */
  const watched = new Map();
  const see = (/** @type {unknown} */ key) => {
    const room = roomOfKey(key);
    if (room !== null && !watched.has(room)) watched.set(room, client.room(room).on('reset', () => onReset(room)));
  };
  for (const query of queryClient.getQueryCache().getAll()) see(query.queryKey);
  return {
    see,
    stop: () => {
      for (const unsubscribe of watched.values()) unsubscribe();
      watched.clear();
    },
  };
}

/**
 * Once a messages query has fetched, makes again the writes it received meanwhile. Every write is
 * idempotent (whole messages, absolute counts), so those the answer already holds change nothing.
 * @param {QueryClientLike} queryClient
 * @param {{bindings: number, pending: Map<string, ((data: any) => any)[]>}} queue
 * @param {{queryKey: readonly unknown[], state?: {fetchStatus?: string}}} query
 * @param {{type?: string, manual?: boolean} | undefined} action
 */
function replayAfterFetch(queryClient, queue, query, action) {
  if (!isMessagesKey(query?.queryKey)) return;
  const room = /** @type {string} */ (roomOfKey(query.queryKey));
  const pending = queue.pending.get(room);
  if (!pending) return;
  if (action?.type === 'success' && !action.manual) {
    queue.pending.delete(room);
    for (const update of pending) {
      queryClient.setQueryData(query.queryKey, (/** @type {any} */ data) => (data === undefined ? undefined : update(data)));
    }
  } else if (query.state?.fetchStatus === 'idle') {
    // Failed or cancelled: the writes stay on the data that was there.
    queue.pending.delete(room);
  }
}

/**
 * `bindQueryCache` for the provider's client while the calling component is mounted.
 * @param {QueryClientLike} queryClient
 */
export function useRoomcastQueryCache(queryClient) {
  const { client } = useRoomcastContext();
  useEffect(() => bindQueryCache(client, queryClient), [client, queryClient]);
}
