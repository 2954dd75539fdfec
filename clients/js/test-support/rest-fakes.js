// Test doubles for the polling transport: a fetch that plays the REST API of protocol.md section 8 (rooms, messages,
// presence, notifications) from an in-memory model the test changes, with answers the test can script (a status, a
// lost answer, a held one). Kept outside test/ because `node --test test/` runs every .js file there.
import { createClient } from '../src/index.js';
import { FakeClock, flush, makeWebSocketClass, onFakeClock, recordClient } from './fakes.js';
import { makeSseServer } from './sse-fakes.js';

/**
 * @typedef {{
 *   method: string, url: string, path: string, query: URLSearchParams, headers: Headers, token: string, body: any,
 *   signal: AbortSignal | undefined, answered: boolean,
 * }} FakeRequest
 * @typedef {{status: number, body?: any, problem?: {code: string, message: string}, retryAfter?: string}
 *   | 'network' | 'lost' | 'hold'} ScriptedAnswer
 *   `network`: the request fails without reaching the server; `lost`: the server runs it but the answer never
 *   arrives (the fetch fails); `hold`: no answer until the test calls `release()` on the held entry.
 */

export function makeRestServer({ userId = 'alice' } = {}) {
  let nextMessageId = 0;
  let nextNotificationId = 900;
  const server = {
    userId,
    /** The caller may read any room (protocol.md 8: admins). */
    admin: false,
    /** Every request, in the order made. @type {FakeRequest[]} */
    requests: [],
    /** @type {Map<string, {room: string, title: string | null, owner: string, epoch: string, lastOffset: number, members: Set<string>, messages: any[]}>} */
    rooms: new Map(),
    /** Newest first, as the API lists them. @type {any[]} */
    notifications: [],
    /** @type {Map<string, any[]>} */
    presence: new Map(),
    /** Tokens answered 401. */
    revoked: new Set(),
    /** Every request fails on the network. */
    down: false,
    /** Scripted answers, used in order by the first request each matches. @type {{match: (request: FakeRequest) => boolean, answer: ScriptedAnswer}[]} */
    scripted: [],
    /** Requests answered `hold`, waiting for `release()`. @type {{request: FakeRequest, release(): void}[]} */
    held: [],
    /** The Date header of every answer. */
    date: 'Wed, 15 Nov 2023 08:00:00 GMT',
    /** @type {(url: string, init?: any) => Promise<any>} */
    fetch: /** @type {any} */ (undefined),

    addRoom(room, { epoch = 'e1', members = [userId], owner = userId } = {}) {
      server.rooms.set(room, { room, title: null, owner, epoch, lastOffset: 0, members: new Set(members), messages: [] });
      return server.rooms.get(room);
    },

    /** A message created in the room, with the room's next offset. */
    post(room, { text = 'hi', from = 'bob', clientMsgId = `c-${nextMessageId + 1}`, threadId = null } = {}) {
      const target = server.rooms.get(room);
      target.lastOffset += 1;
      nextMessageId += 1;
      const message = {
        id: nextMessageId, room, offset: target.lastOffset, userId: from, text, clientMsgId, threadId,
        createdAt: '2023-11-15T08:00:00Z', editedAt: null, deleted: false, pinned: false, reactions: {}, replyCount: 0,
      };
      target.messages.push(message);
      return message;
    },

    /** Persisted events that are not messages (reactions, edits...): the offset moves, the history does not grow. */
    bump(room, count = 1) {
      server.rooms.get(room).lastOffset += count;
    },

    /** Deleted and created again: a new epoch, and offsets from 1 again. */
    recreate(room, epoch) {
      const old = server.rooms.get(room);
      server.rooms.set(room, { ...old, epoch, lastOffset: 0, messages: [] });
    },

    /** A stored mention (the newest). */
    notify({ room = 'chat:team', messageId = 1, from = 'bob', type = 'mention' } = {}) {
      nextNotificationId += 7; // ids are not in time order on the server: only their identity matters
      const item = { id: nextNotificationId, type, room, messageId, from, createdAt: '2023-11-15T08:00:00Z', read: false };
      server.notifications.unshift(item);
      return item;
    },

    /**
     * The next request matching gets this answer instead of the model's.
     * @param {{method?: string, path?: string | RegExp}} match
     * @param {ScriptedAnswer} answer
     */
    answerNext({ method, path } = {}, answer) {
      server.scripted.push({
        match: (request) =>
          (method === undefined || request.method === method) &&
          (path === undefined || (typeof path === 'string' ? request.path === path : path.test(request.path))),
        answer,
      });
    },

    /** Requests whose path is this one (or matches), optionally of one method. */
    requestsTo(path, method) {
      return server.requests.filter(
        (request) =>
          (method === undefined || request.method === method) &&
          (typeof path === 'string' ? request.path === path : path.test(request.path)),
      );
    },
  };

  /** @param {number} status @param {any} body @param {Record<string, string>} [extra] */
  const respond = (status, body, extra = {}) => {
    const headers = new Headers({ 'Content-Type': 'application/json', Date: server.date, ...extra });
    const text = body === undefined ? '' : JSON.stringify(body);
    // What the transport reads of a fetch answer (index.d.ts FetchResponseLike): no streams, only microtasks.
    return { status, headers, text: async () => text };
  };
  const problem = (status, code, message) => respond(status, { code, message });

  /** The room a request names, or the refusal a member check gives. */
  const roomFor = (name) => {
    const room = server.rooms.get(name);
    if (!room) return { refusal: problem(404, 'NOT_FOUND', `room ${name} does not exist`) };
    if (!room.members.has(server.userId) && !server.admin) return { refusal: problem(403, 'FORBIDDEN', `not a member of ${name}`) };
    return { room };
  };

  const view = (room) => ({ room: room.room, title: room.title, owner: room.owner, epoch: room.epoch, lastOffset: room.lastOffset });

  /** @param {FakeRequest} request */
  const route = (request) => {
    if (server.revoked.has(request.token) || request.token === '') {
      return problem(401, 'AUTH_REQUIRED', 'a valid bearer token is required');
    }
    const { method, path, query } = request;
    if (method === 'GET' && path === '/api/rooms') {
      const items = [...server.rooms.values()]
        .filter((room) => room.members.has(server.userId))
        .sort((a, b) => a.room.localeCompare(b.room))
        .map((room) => ({ ...view(room), unread: 0 }));
      return respond(200, { items });
    }
    if (method === 'GET' && path === '/api/notifications') {
      const items = query.get('unread') === 'true' ? server.notifications.filter((item) => !item.read) : server.notifications;
      return respond(200, { items: items.slice(0, 100) });
    }
    const match = /^\/api\/rooms\/([^/]+)(\/messages|\/presence)?$/.exec(path);
    if (!match) return problem(404, 'NOT_FOUND', `no route ${method} ${path}`);
    const name = decodeURIComponent(match[1]);
    const { room, refusal } = roomFor(name);
    if (refusal) return refusal;
    if (method === 'GET' && match[2] === undefined) return respond(200, view(room));
    if (method === 'GET' && match[2] === '/presence') return respond(200, { room: name, users: server.presence.get(name) ?? [] });
    if (method === 'GET' && match[2] === '/messages') {
      const after = Number(query.get('after') ?? 0);
      const limit = Number(query.get('limit') ?? 50);
      if (!(limit >= 1 && limit <= 200)) return problem(400, 'BAD_REQUEST', 'limit must be 1 to 200');
      const above = room.messages.filter((message) => message.offset > after);
      return respond(200, { items: above.slice(0, limit), hasMore: above.length > limit });
    }
    if (method === 'POST' && match[2] === '/messages') {
      const { text, clientMsgId, threadId } = request.body ?? {};
      if (!room.members.has(server.userId)) return problem(403, 'FORBIDDEN', `not a member of ${name}`);
      if (typeof text !== 'string' || text.trim() === '') return problem(400, 'BAD_REQUEST', 'text must be 1 to 4000 characters');
      if (typeof clientMsgId !== 'string' || clientMsgId === '') return problem(400, 'BAD_REQUEST', 'clientMsgId is required');
      const original = room.messages.find((message) => message.userId === server.userId && message.clientMsgId === clientMsgId);
      if (original) return respond(200, { message: original });
      return respond(201, { message: server.post(name, { text: text.trim(), from: server.userId, clientMsgId, threadId: threadId ?? null }) });
    }
    return problem(405, 'BAD_REQUEST', `${method} not allowed`);
  };

  server.fetch = (url, init = {}) => {
    const parsed = new URL(url);
    const headers = new Headers(init.headers);
    /** @type {FakeRequest} */
    const request = {
      method: init.method ?? 'GET',
      url,
      path: decodeURIComponent(parsed.pathname),
      query: parsed.searchParams,
      headers,
      token: (headers.get('authorization') ?? '').replace(/^Bearer /, ''),
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      signal: init.signal,
      answered: false,
    };
    server.requests.push(request);
    if (server.down) return Promise.reject(new TypeError('fetch failed'));
    const index = server.scripted.findIndex((entry) => entry.match(request));
    const answer = index >= 0 ? server.scripted.splice(index, 1)[0].answer : null;
    if (answer === 'network') return Promise.reject(new TypeError('fetch failed'));
    if (answer === 'lost') {
      route(request); // the server did it; the answer is lost on the way back
      return Promise.reject(new TypeError('network connection lost'));
    }
    if (answer === 'hold') {
      return new Promise((resolve) => {
        server.held.push({
          request,
          release: () => {
            request.answered = true;
            resolve(route(request));
          },
        });
      });
    }
    request.answered = true;
    if (answer) {
      const extra = answer.retryAfter === undefined ? {} : { 'Retry-After': answer.retryAfter };
      return Promise.resolve(respond(answer.status, answer.body ?? answer.problem ?? { code: 'INTERNAL', message: `status ${answer.status}` }, extra));
    }
    return Promise.resolve(route(request));
  };
  return server;
}

/**
 * A client on the polling transport (`transports: ['polling']` unless overridden), wired to a fake clock, the fake
 * REST server, and fake WebSockets and EventSources (for the fallback), with its state changes, errors and events
 * recorded. The REST server also answers the SSE transport's POSTs, which fail (no such route).
 */
export function setupPolling(options = {}) {
  const clock = new FakeClock();
  const server = makeRestServer();
  const sse = makeSseServer();
  const { FakeWebSocket, sockets } = makeWebSocketClass();
  const client = createClient({
    transports: ['polling'],
    fetch: server.fetch,
    EventSource: sse.EventSource,
    WebSocket: FakeWebSocket,
    ...onFakeClock(clock),
    ...options,
  });
  const { states, errors, events } = recordClient(client);
  /** connect() (if needed), and let the opening requests be answered. */
  const connect = async () => {
    if (client.state === 'disconnected') client.connect();
    await flush();
    await flush();
  };
  return { clock, client, server, sockets, streams: sse.streams, states, errors, events, connect };
}
