// The chat page: one Roomcast client for the session, the REST API for everything that is not live (room list,
// history, threads, notifications), and a DOM rebuilt from a small in-memory state. Live events and REST pages meet
// in one Timeline per room, so a message shows once whichever path brought it first.
//
// Page flags (query string): `?transports=sse` (or `polling`, or a comma list) chooses the client's transports, e.g.
// to use the page where WebSocket is blocked; `?encryption=on` encrypts the session's frames (protocol.md 12), for
// a gateway behind a hop that ends TLS early.

import { createClient } from '/client/index.js';
import { newClientMsgId } from '/client/outbox.js';
import { createApi } from './api.js';
import { createTokenSource, devSignInAvailable } from './auth.js';
import { renderBanner } from './banner.js';
import { createDevices } from './devices.js';
import { el, keyedList, roomLabel } from './dom.js';
import { createMessageView } from './message-view.js';
import { createNotifications } from './notifications.js';
import { Timeline } from './timeline.js';
import { TypingIndicators, TypingSender } from './typing.js';

/** protocol.md 2.6: a client may be in at most roomcast.max-rooms-per-client rooms (default 100); keep some spare. */
const MAX_JOINED_ROOMS = 90;
/** A room that is not on screen keeps at most this many live messages; older ones come back from REST. */
const BACKGROUND_WINDOW = 300;

const $ = (id) => document.getElementById(id);
const roomList = keyedList($('room-list'));
const messageList = keyedList($('messages'));
const threadList = keyedList($('thread-messages'));

const tokens = createTokenSource();
let started = false;

const state = {
  me: null,
  admin: false,
  client: null,
  api: null,
  /** room name -> {info (ROOM + unread), handle (client Room) | null} */
  rooms: new Map(),
  active: null,
  /** room name -> Timeline */
  timelines: new Map(),
  typing: new TypingIndicators(),
  /** @type {TypingSender} */
  typingSender: null,
  /** @type {ReturnType<typeof createNotifications>} */
  notifications: null,
  /** @type {ReturnType<typeof createDevices>} */
  devices: null,
  /** This page's session (the client id of its latest `connected`), which the devices panel marks. */
  clientId: null,
  /** room name -> Set(userId) */
  presence: new Map(),
  /** clientMsgId -> {room, text, threadId, failed} : sent, not yet acknowledged */
  pending: new Map(),
  /** `${messageId} ${emoji}` this user added (the message's reactions are counts only) */
  myReactions: new Set(),
  thread: null,
  /** The message being edited, and the text typed so far. */
  editing: null,
  editDraft: null,
  everConnected: false,
};


async function boot() {
  tokens.onChange(() => {
    if (!started) start();
    // A token for someone else: everything on the page belongs to the previous user.
    else if (tokens.userId !== state.me) location.reload();
    // The client stops after repeated 4003 (a token it cannot use); a new one is worth another try.
    else if (state.client.state === 'disconnected') state.client.connect();
  });
  if (tokens.signedIn) {
    start();
    return;
  }
  $('sign-in').hidden = false;
  if (await devSignInAvailable()) {
    $('sign-in-form').hidden = false;
    $('sign-in-user').focus();
  } else {
    $('sign-in-embedded').hidden = false;
  }
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('sign-in-error').textContent = '';
    try {
      await tokens.signInAsDeveloper($('sign-in-user').value.trim(), $('sign-in-admin').checked);
      start();
    } catch (error) {
      $('sign-in-error').textContent = error.message;
    }
  });
}

function start() {
  if (started) return;
  started = true;
  state.me = tokens.userId;
  state.admin = tokens.groups.includes('admin');
  state.api = createApi(() => tokens.current());
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('me').textContent = state.me + (state.admin ? ' (admin)' : '');

  const flags = new URLSearchParams(location.search);
  const transports = flags.get('transports');
  state.client = createClient({
    url: location.origin,
    getToken: () => tokens.current(),
    ...(transports ? { transports: transports.split(',') } : {}),
    ...(flags.get('encryption') === 'on' ? { encryption: true } : {}),
  });
  state.typingSender = new TypingSender((room, isTyping) => state.client.send('typing', { room, isTyping }));
  state.notifications = createNotifications({
    api: state.api,
    list: $('notification-list'),
    badge: $('notification-count'),
    button: $('toggle-notifications'),
    open: (notification) => {
      togglePanel('notifications-panel', 'toggle-notifications', false);
      if (state.rooms.has(notification.room)) selectRoom(notification.room);
    },
  });
  state.devices = createDevices({
    api: state.api,
    me: state.me,
    ownClient: () => state.clientId,
    list: $('device-list'),
    logOutOthers: $('log-out-others'),
    error: $('devices-error'),
  });
  state.client.on('state', onConnectionState);
  state.client.on('event', onEvent);
  state.client.on('error', (error) => console.warn('roomcast:', error.code, error.message));
  wireControls();
  showConnection('connecting');
  state.client.connect();
  refreshRooms();
  state.notifications.refresh();
  setInterval(() => state.typing.expire() && renderTyping(), 1000);
}

// ---------------------------------------------------------------------------------------------------------------
// Connection

function onConnectionState(connection, detail) {
  if (connection === 'connected') {
    state.clientId = detail.id ?? null;
    // Anything structural that happened while the page was offline (added to a room, unread counts moved) is not
    // replayed by room recovery: the REST view is the truth.
    if (state.everConnected) {
      refreshRooms();
      state.notifications.refresh();
    }
    state.everConnected = true;
  }
  showConnection(connection, detail);
}

function showConnection(connection, detail = {}) {
  const transport = state.client.transport ?? detail.transport ?? null;
  renderBanner($('banner'), connection, transport, detail, () => state.client.connect());
}

// ---------------------------------------------------------------------------------------------------------------
// Rooms

let roomListRequests = 0;
let roomListApplied = 0;

async function refreshRooms() {
  // Answers can come back out of order; an older list must not undo a newer one (drop a room just added).
  const request = ++roomListRequests;
  let items;
  try {
    items = await state.api.rooms();
  } catch (error) {
    showError('room-error', error);
    return;
  }
  if (request < roomListApplied) return;
  roomListApplied = request;
  const seen = new Set();
  for (const info of items) {
    seen.add(info.room);
    const held = state.rooms.get(info.room);
    if (held) held.info = info;
    else state.rooms.set(info.room, { info, handle: null });
  }
  for (const [name, entry] of state.rooms) {
    if (seen.has(name)) continue;
    entry.unsubscribe?.forEach((off) => off());
    entry.handle?.leave().catch(() => {});
    state.rooms.delete(name);
    state.timelines.delete(name);
    if (state.active === name) selectRoom(null);
  }
  let joined = [...state.rooms.values()].filter((entry) => entry.handle).length;
  for (const [name, entry] of state.rooms) {
    if (entry.handle || joined >= MAX_JOINED_ROOMS) continue;
    joinRoom(name, entry);
    joined += 1;
  }
  if (state.active && state.rooms.has(state.active)) markRead(state.active);
  renderRoomList();
  if (!state.active && state.rooms.size > 0 && !matchMedia('(max-width: 700px)').matches) {
    selectRoom(state.rooms.keys().next().value);
  }
}

function joinRoom(name, entry) {
  const handle = state.client.room(name);
  entry.handle = handle;
  entry.unsubscribe = [
    handle.on('reset', () => reloadRoom(name)),
    handle.on('state', (roomState) => {
      renderRoomList();
      // Also after every rejoin: who left while this page was offline is not replayed.
      if (roomState === 'joined' && state.active === name) loadPresence(name);
    }),
  ];
  // showRoom waits for it: the history page must not end before the point where live events begin.
  entry.joining = handle.join().then(
    () => true,
    (error) => {
      showError('room-error', error);
      return false;
    },
  );
}

/** Events were missed beyond recovery (protocol.md 5.8): the held window is stale, start again from REST. */
function reloadRoom(name) {
  state.timelines.get(name)?.clear();
  if (state.active === name) showRoom(name);
  refreshRooms();
}

function timeline(name) {
  let held = state.timelines.get(name);
  if (!held) {
    held = new Timeline();
    state.timelines.set(name, held);
  }
  return held;
}

function renderRoomList() {
  roomList(
    [...state.rooms.values()].map(({ info, handle }) => {
      const room = {
        name: info.room,
        label: roomLabel(info),
        unread: info.unread ?? 0,
        joined: handle?.state === 'joined',
        current: state.active === info.room,
      };
      return {
        key: room.name,
        deps: [room.unread, room.label, room.joined, room.current],
        render: () => {
          const item = el('li', {}, el('button', { class: 'room-button', onclick: () => selectRoom(room.name) }));
          showRoomButton(item.firstChild, room);
          return item;
        },
        // In place: the button under a user's focus or pointer stays the same node.
        patch: (item) => showRoomButton(item.firstChild, room),
      };
    }),
  );
}

function showRoomButton(button, { name, label, unread, joined, current }) {
  button.dataset.room = name;
  button.dataset.unread = String(unread);
  button.toggleAttribute('data-joined', joined);
  if (current) button.setAttribute('aria-current', 'true');
  else button.removeAttribute('aria-current');
  button.setAttribute('aria-label', unread ? `${label}, ${unread} unread` : label);
  button.replaceChildren(
    el('span', { class: 'room-name' }, label),
    unread ? el('span', { class: 'badge', 'aria-hidden': 'true' }, String(unread)) : '',
  );
}

function selectRoom(name) {
  state.typingSender.stop();
  state.active = name;
  state.thread = null;
  state.editing = null;
  $('thread-panel').hidden = true;
  $('rooms-panel').classList.remove('open');
  $('toggle-rooms').setAttribute('aria-expanded', 'false');
  renderRoomList();
  if (name) showRoom(name);
  else {
    $('room-title').textContent = 'No room selected';
    messageList([]);
    $('composer').hidden = true;
    $('add-member').hidden = true;
    $('leave-room').hidden = true;
    $('presence').replaceChildren();
  }
}

async function showRoom(name) {
  const entry = state.rooms.get(name);
  if (!entry) return;
  $('room-title').textContent = roomLabel(entry.info);
  $('composer').hidden = false;
  $('add-member').hidden = !(state.admin || entry.info.owner === state.me);
  $('leave-room').hidden = false;
  $('room-error').textContent = '';
  // A room beyond the ones joined at start (MAX_JOINED_ROOMS) is joined when opened; past the server's limit the
  // refusal (LIMIT_EXCEEDED) shows on the page.
  if (!entry.handle) joinRoom(name, entry);
  const held = timeline(name);
  quietly(() => renderMessages({ stick: true }));
  renderPresence();
  renderTyping();
  if (entry.handle.state === 'joined') loadPresence(name);
  if (!held.loaded) {
    await entry.joining;
    try {
      const page = await state.api.messages(name);
      page.items.forEach((message) => held.add(message));
      held.hasOlder = page.hasMore;
      held.loaded = true;
    } catch (error) {
      showError('room-error', error);
      return;
    }
    if (state.active === name) quietly(() => renderMessages({ stick: true }));
  }
  markRead(name);
}

async function loadOlder() {
  const name = state.active;
  const held = name && state.timelines.get(name);
  if (!held || !held.loaded || !held.hasOlder || held.loadingOlder) return;
  held.loadingOlder = true;
  try {
    const page = await state.api.messages(name, { before: held.firstOffset });
    page.items.forEach((message) => held.add(message));
    held.hasOlder = page.hasMore;
  } catch (error) {
    showError('room-error', error);
  } finally {
    held.loadingOlder = false;
  }
  if (state.active !== name) return;
  const scroller = $('message-scroller');
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  quietly(() => renderMessages({ stick: false }));
  scroller.scrollTop = scroller.scrollHeight - fromBottom;
}

/** room -> pending `read` timer: switching rooms must not cancel the previous room's read. */
const readTimers = new Map();

/** Tells the server the user has seen the room up to its last event, when the page is actually being looked at. */
function markRead(name) {
  const entry = state.rooms.get(name);
  if (!entry || state.active !== name || document.visibilityState !== 'visible' || !isAtBottom()) return;
  if (!entry.info.unread && entry.readOffset === entry.handle?.lastOffset) return;
  entry.info.unread = 0;
  renderRoomList();
  clearTimeout(readTimers.get(name));
  readTimers.set(name, setTimeout(() => {
    readTimers.delete(name);
    const offset = Math.max(entry.handle?.lastOffset ?? 0, entry.info.lastOffset ?? 0, timeline(name).lastOffset);
    if (offset > 0 && state.client.send('read', { room: name, offset })) entry.readOffset = entry.handle?.lastOffset;
  }, 300));
}

// ---------------------------------------------------------------------------------------------------------------
// Live events

function onEvent(frame) {
  const data = frame.data ?? {};
  switch (frame.event) {
    case 'message.created':
      return onMessageCreated(frame.room, data.message);
    case 'message.updated':
      timeline(frame.room).patch(data.message.id, () => data.message);
      return changed(frame.room);
    case 'message.deleted':
      timeline(frame.room).patch(data.messageId, () => ({ deleted: true, text: '' }));
      return changed(frame.room);
    case 'reaction.added':
    case 'reaction.removed':
      return onReaction(frame.room, frame.event === 'reaction.added', data);
    case 'message.pinned':
    case 'message.unpinned':
      timeline(frame.room).patch(data.messageId, () => ({ pinned: frame.event === 'message.pinned' }));
      return changed(frame.room);
    case 'thread.updated':
      timeline(frame.room).patch(data.messageId, () => ({ replyCount: data.replyCount }));
      return changed(frame.room);
    case 'typing':
      return onTyping(frame.room, data);
    case 'presence.join':
    case 'presence.leave':
      return onPresence(frame.room, frame.event === 'presence.join', data.userId);
    case 'read.updated': {
      const entry = state.rooms.get(data.room);
      if (entry) {
        entry.info.unread = data.unread;
        renderRoomList();
      }
      return undefined;
    }
    case 'notification':
      return state.notifications.refresh(data);
    case 'member.added':
    case 'room.updated':
      return refreshRooms();
    case 'member.removed':
    case 'room.deleted':
      if (state.active === (data.room ?? frame.room)) {
        $('room-error').textContent =
          frame.event === 'room.deleted' ? 'This room was deleted.' : `You are no longer a member of this room (${data.reason}).`;
      }
      return refreshRooms();
    default:
      return undefined;
  }
}

function onMessageCreated(room, message) {
  const held = timeline(room);
  held.add(message);
  if (message.userId === state.me) state.pending.delete(message.clientMsgId);
  const entry = state.rooms.get(room);
  // A message at or below the room list's lastOffset is already in its unread count: after a reconnect the fresh
  // list can arrive before the replayed messages.
  if (entry && message.offset > (entry.info.lastOffset ?? 0)) {
    entry.info.lastOffset = message.offset;
    const seen = state.active === room && document.visibilityState === 'visible' && isAtBottom();
    if (message.userId !== state.me && !seen) entry.info.unread = (entry.info.unread ?? 0) + 1;
  }
  if (state.active !== room) held.trimTo(BACKGROUND_WINDOW);
  // A message is the end of its author's typing.
  if (state.typing.set(room, message.userId, false) && state.active === room) renderTyping();
  changed(room);
  renderRoomList();
  markRead(room);
}

function onReaction(room, added, { messageId, emoji, userId, count }) {
  if (userId === state.me) {
    if (added) state.myReactions.add(`${messageId} ${emoji}`);
    else state.myReactions.delete(`${messageId} ${emoji}`);
  }
  timeline(room).patch(messageId, (held) => {
    const reactions = { ...(held.reactions ?? {}) };
    if (count > 0) reactions[emoji] = count;
    else delete reactions[emoji];
    return { reactions };
  });
  changed(room);
}

function onTyping(room, { userId, isTyping }) {
  if (userId !== state.me && state.typing.set(room, userId, isTyping) && state.active === room) renderTyping();
}

function onPresence(room, joined, userId) {
  let users = state.presence.get(room);
  if (!users) state.presence.set(room, (users = new Set()));
  if (joined) users.add(userId);
  else users.delete(userId);
  if (state.active === room) renderPresence();
}

async function loadPresence(room) {
  try {
    const { users } = await state.client.request('presence.get', { room });
    state.presence.set(room, new Set(users.map((user) => user.userId)));
    if (state.active === room) renderPresence();
  } catch (error) {
    console.warn('presence:', error.code, error.message);
  }
}

/** Re-renders what shows the room's messages, if it is on screen. */
function changed(room) {
  if (state.active !== room) return;
  renderMessages({ stick: isAtBottom() });
  if (state.thread) renderThread();
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

function renderMessages({ stick }) {
  const name = state.active;
  const held = timeline(name);
  const items = held.topLevel().map((message) => messageItem(message));
  for (const [clientMsgId, pending] of state.pending) {
    if (pending.room === name && !pending.threadId) items.push(pendingItem(clientMsgId, pending));
  }
  messageList(items);
  $('load-older').hidden = !(held.loaded && held.hasOlder);
  messageView.pinnedBar($('pinned'), held.topLevel());
  if (stick) $('message-scroller').scrollTop = $('message-scroller').scrollHeight;
}

/** A message as a keyed item: rebuilt when the message, its edit mode or this user's reactions to it change. */
function messageItem(message, options = {}) {
  const mine = Object.keys(message.reactions ?? {}).filter((emoji) => state.myReactions.has(`${message.id} ${emoji}`));
  return {
    key: message.id,
    deps: [message, state.editing === message.id, mine.join(' '), state.admin],
    render: () => messageView.message(message, options),
  };
}

function pendingItem(clientMsgId, pending) {
  return {
    key: `pending ${clientMsgId}`,
    deps: [pending.text, pending.failed],
    render: () => messageView.pending(clientMsgId, pending),
  };
}

const messageView = createMessageView({
  me: () => state.me,
  admin: () => state.admin,
  isEditing: (messageId) => state.editing === messageId,
  reacted: (messageId, emoji) => state.myReactions.has(`${messageId} ${emoji}`),
  react: (message, emoji) => {
    const mine = state.myReactions.has(`${message.id} ${emoji}`);
    act(mine ? 'reaction.remove' : 'reaction.add', { messageId: message.id, emoji });
  },
  openThread: (messageId) => openThread(messageId),
  togglePin: (message) => act(message.pinned ? 'message.unpin' : 'message.pin', { messageId: message.id }),
  startEdit: (messageId) => {
    state.editing = messageId;
    state.editDraft = null;
    changed(state.active);
  },
  draft: () => state.editDraft,
  keepDraft: (text) => {
    state.editDraft = text;
  },
  saveEdit: (message, text) => act('message.edit', { messageId: message.id, text }),
  cancelEdit: (message) => {
    state.editing = null;
    state.editDraft = null;
    changed(message.room);
  },
  remove: (message) => {
    if (confirm('Delete this message?')) act('message.delete', { messageId: message.id });
  },
  retry: (clientMsgId) => {
    const pending = state.pending.get(clientMsgId);
    if (pending) send(pending.room, pending.text, pending.threadId, clientMsgId);
  },
  discard: (clientMsgId) => {
    const pending = state.pending.get(clientMsgId);
    state.pending.delete(clientMsgId);
    if (pending) changed(pending.room);
  },
});

/** A request whose effect arrives as a room event; its refusal is shown. Resolves true when acknowledged. */
async function act(event, data) {
  try {
    await state.client.request(event, data);
    return true;
  } catch (error) {
    showError('room-error', error);
    return false;
  }
}

/** Sends through the client's outbox: shown at once as "sending…", kept across reconnects until acknowledged. */
function send(room, text, threadId, clientMsgId = newClientMsgId()) {
  const entry = state.rooms.get(room);
  if (!entry?.handle) {
    $('room-error').textContent = 'This room is not open on this page any more; the message was not sent.';
    return false;
  }
  state.pending.set(clientMsgId, { room, text, threadId, failed: null });
  changed(room);
  entry.handle.sendMessage(text, threadId ? { clientMsgId, threadId } : { clientMsgId }).then(
    ({ message }) => {
      state.pending.delete(clientMsgId);
      timeline(room).add(message);
      changed(room);
    },
    (error) => {
      const pending = state.pending.get(clientMsgId);
      if (pending) pending.failed = error.code ?? error.message;
      changed(room);
    },
  );
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Threads

async function openThread(messageId) {
  const room = state.active;
  state.thread = { room, messageId };
  $('thread-panel').hidden = false;
  renderThread();
  try {
    const page = await state.api.thread(room, messageId);
    page.items.forEach((message) => timeline(room).add(message));
  } catch (error) {
    showError('room-error', error);
  }
  renderThread();
  $('thread-text').focus();
}

/** Closes the thread panel and gives the focus back to the message it belongs to. */
function closeThread() {
  const messageId = state.thread?.messageId;
  state.thread = null;
  $('thread-panel').hidden = true;
  if (messageId) document.querySelector(`#messages [data-id="${CSS.escape(messageId)}"]`)?.focus();
}

function renderThread() {
  if (!state.thread) return;
  const { room, messageId } = state.thread;
  const held = timeline(room);
  const root = held.get(messageId);
  const replies = held.replies(messageId).map((message) => messageItem(message, { inThread: true }));
  for (const [clientMsgId, pending] of state.pending) {
    if (pending.room === room && pending.threadId === messageId) replies.push(pendingItem(clientMsgId, pending));
  }
  $('thread-title').textContent = root ? `Thread: ${root.userId}` : 'Thread';
  threadList([...(root ? [messageItem(root, { inThread: true })] : []), ...replies]);
}

// ---------------------------------------------------------------------------------------------------------------
// Typing and presence

function renderTyping() {
  $('typing').textContent = state.active ? state.typing.text(state.active) : '';
}

function renderPresence() {
  const users = [...(state.presence.get(state.active) ?? [])].sort();
  $('presence').replaceChildren(
    ...users.map((userId) =>
      el('li', { 'data-user': userId }, el('span', { class: 'dot', 'aria-hidden': 'true' }), userId === state.me ? `${userId} (you)` : userId),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Controls

function wireControls() {
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('composer-text').value.trim();
    if (!text || !state.active) return;
    state.typingSender.sent();
    // The text stays in the box when it could not be handed to the client.
    if (send(state.active, text, null)) $('composer-text').value = '';
    $('message-scroller').scrollTop = $('message-scroller').scrollHeight;
  });
  submitOnEnter($('composer-text'), $('composer'));
  $('composer-text').addEventListener('input', () => state.active && state.typingSender.input(state.active));
  $('composer-text').addEventListener('blur', () => state.typingSender.stop());

  $('thread-composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('thread-text').value.trim();
    if (!text || !state.thread) return;
    if (send(state.thread.room, text, state.thread.messageId)) $('thread-text').value = '';
  });
  submitOnEnter($('thread-text'), $('thread-composer'));
  $('close-thread').addEventListener('click', closeThread);
  $('thread-panel').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeThread();
  });

  $('message-scroller').addEventListener('scroll', () => {
    if ($('message-scroller').scrollTop < 60) loadOlder();
    if (isAtBottom() && state.active) markRead(state.active);
  });
  $('load-older').addEventListener('click', loadOlder);
  document.addEventListener('visibilitychange', () => state.active && markRead(state.active));

  $('create-room').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('create-room-error').textContent = '';
    const name = `chat:${$('create-room-id').value.trim()}`;
    try {
      await state.api.createRoom(name, $('create-room-title').value.trim() || undefined);
      $('create-room').reset();
      await refreshRooms();
      selectRoom(name);
    } catch (error) {
      showError('create-room-error', error);
    }
  });

  $('add-member').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('add-member-error').textContent = '';
    const userId = $('add-member-id').value.trim();
    try {
      await state.api.addMember(state.active, userId);
      $('add-member').reset();
      $('add-member-error').textContent = `${userId} was added.`;
    } catch (error) {
      showError('add-member-error', error);
    }
  });

  $('leave-room').addEventListener('click', async () => {
    if (!state.active || !confirm('Leave this room?')) return;
    try {
      await state.api.leaveRoom(state.active, state.me);
      await refreshRooms();
    } catch (error) {
      showError('room-error', error);
    }
  });

  $('sign-out').addEventListener('click', () => {
    state.client.close();
    tokens.signOut();
    location.reload();
  });

  $('toggle-notifications').addEventListener('click', () => togglePanel('notifications-panel', 'toggle-notifications'));
  $('toggle-devices').addEventListener('click', () => {
    togglePanel('devices-panel', 'toggle-devices');
    if (!$('devices-panel').hidden) void state.devices.refresh();
  });
  $('toggle-rooms').addEventListener('click', () => toggleDrawer('rooms-panel', 'toggle-rooms'));
  $('toggle-people').addEventListener('click', () => toggleDrawer('people-panel', 'toggle-people'));
}

function submitOnEnter(textarea, form) {
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

function togglePanel(panelId, buttonId, open = $(panelId).hidden) {
  $(panelId).hidden = !open;
  $(buttonId).setAttribute('aria-expanded', String(open));
}

/** On a phone-sized screen the rooms and people panels are drawers. */
function toggleDrawer(panelId, buttonId) {
  const open = $(panelId).classList.toggle('open');
  $(buttonId).setAttribute('aria-expanded', String(open));
}

/**
 * Renders a whole page of messages without a screen reader reading each of them out as new (the list is a live
 * `log` region): the region is busy while it changes.
 */
function quietly(render) {
  const region = $('messages').parentElement;
  region.setAttribute('aria-busy', 'true');
  render();
  requestAnimationFrame(() => region.setAttribute('aria-busy', 'false'));
}

function isAtBottom() {
  const scroller = $('message-scroller');
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
}

function showError(targetId, error) {
  $(targetId).textContent = error.code ? `${error.code}: ${error.message}` : String(error.message ?? error);
}

// Last: every module-level binding above is initialised before the page starts using them.
boot();
