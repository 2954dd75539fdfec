// Test doubles for the SSE transport (protocol.md section 11): an EventSource class whose instances are
// streams the test writes to as the server, and a fetch that plays `POST /sse/{clientId}`, answering by itself
// (202, or 404 for a session that is not open) or, with `server.autoAccept = false`, when the test says so.
// Kept outside test/ because `node --test test/` runs every .js file there.
import { createClient } from '../src/index.js';
import { FakeClock, ScriptedServer, flush, makeWebSocketClass, onFakeClock, recordClient } from './fakes.js';

export function makeSseServer() {
  /** @type {FakeEventSource[]} */
  const streams = [];
  /** @type {FakePost[]} */
  const posts = [];
  const server = {
    streams,
    posts,
    /** Answer every POST by itself: 202 for an open session, 404 otherwise. */
    autoAccept: true,
    /** @type {typeof FakeEventSource} */
    EventSource: /** @type {any} */ (undefined),
    /** @type {(url: string, init: any) => Promise<Response>} */
    fetch: /** @type {any} */ (undefined),
    /** The open stream whose session has that client id. */
    session(clientId) {
      return streams.find((stream) => stream.clientId === clientId && stream.open) ?? null;
    },
  };

  class FakeEventSource extends ScriptedServer {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSED = 2;

    /** @param {string} url */
    constructor(url) {
      super();
      this.url = url;
      this.readyState = 0;
      this.onopen = null;
      this.onmessage = null;
      this.onerror = null;
      /** The client called close(). */
      this.closedByClient = false;
      /** The session's client id, once accepted. */
      this.clientId = null;
      /** The server ended the stream (close frame or not). */
      this.ended = false;
      /** Frames of accepted POSTs for this session, parsed, in the order the session runs them. */
      this.sent = [];
      /** Answer pings by itself, for tests that run long enough to trip the silence check. */
      this.autoPong = false;
      streams.push(this);
    }

    get token() {
      return new URL(this.url).searchParams.get('access_token');
    }

    /** The session exists on the server: accepted, not ended, not left by the client. */
    get open() {
      return this.clientId != null && !this.ended && !this.closedByClient;
    }

    close() {
      this.closedByClient = true;
      this.readyState = 2;
    }

    // ---- the scripted server's side ----

    /** 200 text/event-stream, then `connected` (protocol.md 11.1). */
    accept({ heartbeatMs = 30000, clientId = `pod.${streams.indexOf(this) + 1}` } = {}) {
      this.clientId = clientId;
      this.readyState = 1;
      this.onopen?.({ type: 'open' });
      this.push({ event: 'connected', data: { id: clientId, userId: 'alice', time: 'now', pod: 'pod', heartbeatMs } });
    }

    /** One `data:` event. Nothing reaches a closed EventSource. */
    push(frame) {
      if (this.readyState === 2) return;
      this.onmessage?.({ type: 'message', data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }

    /** Where a WebSocket would be closed: the last frame, then the end of the stream. */
    closeWith(code, reason = '') {
      this.push({ event: 'close', data: { code, reason } });
      this.end();
    }

    /**
     * The stream ends (or the network drops it). A browser's EventSource then goes back to
     * CONNECTING, fires `error`, and would reconnect by itself unless closed.
     */
    end() {
      this.ended = true;
      if (this.readyState === 2) return;
      this.readyState = 0;
      this.onerror?.({ type: 'error' });
    }

    /** The GET is refused (401, 429, 503, or a proxy's page): CLOSED and `error`, no message. */
    refuse() {
      this.ended = true;
      this.readyState = 2;
      this.onerror?.({ type: 'error' });
    }


    /** Frames reach the session (a 202). */
    receive(frames) {
      for (const frame of frames) {
        this.sent.push(frame);
        if (frame.event === 'ping' && this.autoPong) queueMicrotask(() => this.push({ event: 'pong', id: frame.id }));
      }
    }
  }

  class FakePost {
    /** @param {string} url @param {any} init */
    constructor(url, init) {
      this.url = url;
      this.method = init?.method ?? 'GET';
      this.headers = new Headers(init?.headers);
      this.body = init?.body;
      const parsed = JSON.parse(this.body);
      /** Whether the body was a JSON array (several frames) rather than one frame. */
      this.isArray = Array.isArray(parsed);
      this.frames = this.isArray ? parsed : [parsed];
      this.clientId = decodeURIComponent(new URL(url).pathname.replace(/^.*\/sse\//, ''));
      this.settled = false;
      this.promise = new Promise((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
      });
    }

    get token() {
      return (this.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    }

    get bytes() {
      return Buffer.byteLength(this.body, 'utf8');
    }

    /**
     * Answers the POST. 2xx hands its frames to the session first, as the server queues them
     * before it answers.
     * @param {number} [status]
     * @param {{problem?: {code: string, message: string}, retryAfter?: string}} [options]
     */
    respond(status = 202, { problem, retryAfter } = {}) {
      if (this.settled) throw new Error('this POST was answered already');
      this.settled = true;
      if (status >= 200 && status < 300) {
        const session = server.session(this.clientId);
        if (!session) throw new Error(`no open session ${this.clientId} to take the frames`);
        session.receive(this.frames);
        this.resolve(new Response(null, { status }));
        return;
      }
      const headers = new Headers({ 'Content-Type': 'application/json' });
      if (retryAfter !== undefined) headers.set('Retry-After', retryAfter);
      this.resolve(new Response(JSON.stringify(problem ?? { code: 'INTERNAL', message: `status ${status}` }), { status, headers }));
    }

    /** The request fails without an answer (network down). */
    fail(error = new TypeError('fetch failed')) {
      if (this.settled) throw new Error('this POST was answered already');
      this.settled = true;
      this.reject(error);
    }

    /** What the server answers by itself. */
    respondAuto() {
      if (this.settled) return;
      if (server.session(this.clientId)) this.respond(202);
      else this.respond(404, { problem: { code: 'NOT_FOUND', message: 'no such SSE session (unknown, or closed)' } });
    }
  }

  server.EventSource = FakeEventSource;
  server.fetch = (url, init) => {
    const post = new FakePost(url, init);
    posts.push(post);
    if (server.autoAccept) queueMicrotask(() => post.respondAuto());
    return post.promise;
  };
  return server;
}

/**
 * A client on the SSE transport (`transports: ['sse']` unless overridden), wired to a fake clock, a fake
 * stream server and fake WebSockets, with its state changes, errors and events recorded.
 */
export function setupSse(options = {}) {
  const clock = new FakeClock();
  const server = makeSseServer();
  const { FakeWebSocket, sockets } = makeWebSocketClass();
  const client = createClient({
    transports: ['sse'],
    EventSource: server.EventSource,
    fetch: server.fetch,
    WebSocket: FakeWebSocket,
    ...onFakeClock(clock),
    ...options,
  });
  const { states, errors, events } = recordClient(client);
  const stream = () => server.streams.at(-1);
  /** connect() (if needed) and let the server accept the newest stream. */
  const connect = async (acceptOptions) => {
    if (client.state === 'disconnected') client.connect();
    await flush();
    stream().accept(acceptOptions);
    await flush();
    return stream();
  };
  return { clock, client, server, streams: server.streams, posts: server.posts, stream, sockets, states, errors, events, connect };
}
