// Type declarations for @roomcast/client. The wire contract they describe is docs/protocol.md.

/** Returned by every `on()`: removes that listener. */
export type Unsubscribe = () => void;

// ---------------------------------------------------------------------------------------------
// Options

/** What the client needs of a WebSocket: the browser API, or the `ws` package on Node. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * What the SSE transport needs of an EventSource: the browser API, or a polyfill (Node 20 has none).
 * The handlers take `any` so that the DOM's `EventSource` (whose handlers take a `MessageEvent`) fits;
 * the client reads only `data` (a string) of the message events.
 */
export interface EventSourceLike {
  close(): void;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
}

export type EventSourceConstructor = new (url: string) => EventSourceLike;

/**
 * What the SSE and polling transports need of a fetch answer: the status, the Retry-After (and, for polling, Date)
 * header, and the body as text (the problem, or the JSON answer).
 */
export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * What the client needs of fetch: the SSE transport's `POST /sse/{clientId}` with a JSON body, and the polling
 * transport's GETs and POSTs of the REST API (protocol.md 8); all with `Authorization: Bearer JWT`. Where
 * `AbortController` exists, polling passes a `signal` too, aborted when a request outlives `requestTimeoutMs` or the
 * client closes.
 */
export type FetchLike = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; signal?: any },
) => Promise<FetchResponseLike>;

/**
 * `websocket`: `GET /ws`, upgraded (protocol.md 1). `sse`: the same session over Server-Sent Events,
 * `GET /sse` for the server's frames and `POST /sse/{clientId}` for the client's (protocol.md 11).
 * `polling`: the last resort (protocol.md 11.4), no session at all: the REST API (protocol.md 8) read every
 * `pollIntervalMs`, `chat:` rooms only, new messages only; what REST cannot do is refused with
 * `UNSUPPORTED_TRANSPORT` (see the README's Transports section).
 */
export type TransportName = 'websocket' | 'sse' | 'polling';

export interface BackoffOptions {
  /** Window of the first retry, in ms. Default 500. */
  initialMs?: number;
  /** Largest window, in ms. Default 30000. */
  maxMs?: number;
}

interface BaseClientOptions {
  /**
   * Base URL of the gateway, e.g. `wss://chat.example.com` (or `https://...`): the WebSocket opens
   * `${url}/ws?access_token=...` (http(s) read as ws(s)), the SSE transport `${url}/sse` and polling `${url}/api/...`
   * (ws(s) read as http(s)).
   */
  url: string;
  /**
   * The transports to use, in order. Default `['websocket', 'sse', 'polling']`, keeping only those this
   * runtime has (SSE needs EventSource and fetch, polling only fetch: on Node 20, WebSocket then polling
   * unless `EventSource` is passed); given explicitly, each one must be available.
   *
   * Fallback, for the life of the client object (across `close()`/`connect()` too):
   * - The first transport, once it has reached `connected`, is kept: its later failures are retried on it
   *   with backoff, until 6 attempts in a row on it end before `connected` (the network now blocks it; a
   *   `connect()` does not restart the count); then the client moves on to the next transport as if none
   *   had ever connected (third rule).
   * - A later transport (a fallback) that has reached `connected` is kept until that connection is lost.
   *   Each reconnect cycle that follows a `connected` on a fallback (a loss after it, or `connect()`) first
   *   makes one attempt on the first transport: if it connects, the first transport is kept (first rule); if it ends before
   *   `connected`, the client goes straight back to the transport that last connected and stays on it,
   *   however many of its attempts fail, until `connected` ends the cycle.
   * - While no transport has connected (or the first one was given up), two attempts in a row on a
   *   transport that end before `connected` (a blocked upgrade, whatever the close code) move the next
   *   attempts to the next transport, and after the last one back to the first (websocket ×2, sse ×2,
   *   polling ×2, websocket ...).
   * The backoff keeps growing across the moves; only `connected` and `connect()` reset it. See the README's
   * Transports section.
   */
  transports?: readonly TransportName[];
  /** WebSocket constructor. Default `globalThis.WebSocket` (absent on Node 20: pass `ws`). */
  WebSocket?: WebSocketConstructor;
  /** EventSource constructor for the SSE transport. Default `globalThis.EventSource`. */
  EventSource?: EventSourceConstructor;
  /** fetch for the SSE transport's POSTs and the polling transport's requests. Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /**
   * Encrypt every frame after `connected` (protocol.md 12), for deployments where TLS ends before the gateway: a
   * fresh ECDH P-256 key pair per connection, sent as `publicKey` in the handshake's query, and AES-256-GCM both ways.
   * Needs WebCrypto (a secure context in browsers: https or localhost). The polling transport has no session to
   * encrypt: it is left out of the default transports, and naming it is an error. Default false.
   */
  encryption?: boolean;
  /** WebCrypto for `encryption`. Default `globalThis.crypto`. */
  crypto?: { subtle: SubtleCrypto };
  /** Reconnect backoff, with full jitter: delay = random(0, min(maxMs, initialMs * 2^attempt)). */
  backoff?: BackoffOptions;
  /** Source of randomness for the jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** How long a request waits for its reply (and a socket for `connected`). Default 10000 ms. */
  requestTimeoutMs?: number;
  /**
   * With getToken: how long before the token's `exp` a `refresh` is sent (at most half of the
   * remaining lifetime). Default 30000 ms.
   */
  refreshLeadMs?: number;
  /**
   * Polling only: the time between two polls of the REST API, in ms. Default 2000. Polls wait longer while they
   * fail (2x, then 4x, then the session counts as lost) or a 429 asks to (Retry-After).
   */
  pollIntervalMs?: number;
  /** Timer functions, injectable for tests. Default the global ones. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: any) => void;
  /** Clock in epoch ms, injectable for tests. Default `Date.now`. */
  now?: () => number;
}

export interface StaticTokenOptions extends BaseClientOptions {
  /** A fixed JWT. It cannot be refreshed: a 4005 or 4003 close ends the session. */
  token: string;
  getToken?: undefined;
}

export interface TokenProviderOptions extends BaseClientOptions {
  /**
   * Called at every connect, shortly before the current token's `exp` (the new token is sent with
   * `refresh`), and so after closes 4003 and 4005.
   */
  getToken: () => string | Promise<string>;
  token?: string;
}

export type ClientOptions = StaticTokenOptions | TokenProviderOptions;

// ---------------------------------------------------------------------------------------------
// Frames and payloads (docs/protocol.md sections 2 to 6)

/** A frame sent by the server. */
export interface ServerFrame<D = unknown> {
  event: string;
  /** On replies only. */
  id?: string;
  /** On deliveries to a joined room. */
  room?: string;
  /** On persisted room events. */
  offset?: number;
  /** On events relayed from another client (`publish`). */
  from?: { userId: string; clientId: string };
  traceId?: string;
  data?: D;
}

/**
 * `data` of the `connected` frame. Over polling the client makes it itself: `id` is `poll-<random>` (no server
 * session exists), `userId` the token's `sub`, `time` from the answer's Date header, `pod` `""`.
 */
export interface ConnectedData {
  /** This session's client id. */
  id: string;
  userId: string;
  time: string;
  pod: string;
  heartbeatMs: number;
  /** True on a session encrypted with `encryption: true` (protocol.md 12); then also `serverPublicKey` and `salt`. */
  encrypted?: boolean;
  serverPublicKey?: string;
  salt?: string;
}

/** `data` of an `error` frame. */
export interface ErrorData {
  code: string;
  message: string;
  /** The offending event, on errors without an id. */
  event?: string;
  /** On RATE_LIMITED. */
  retryAfterMs?: number;
  [detail: string]: unknown;
}

/** One room's entry in a join ack. History fields are present for `chat:` rooms only. */
export interface JoinResult {
  room: string;
  joined: boolean;
  /** The room's last offset. */
  offset?: number;
  epoch?: string;
  /** Whether the events after `since` follow the ack (false: reload the room). */
  recovered?: boolean;
  missed?: number;
  error?: { code: string; message: string };
}

/** The message object of protocol.md 5.1. */
export interface Message {
  id: number;
  room: string;
  offset: number;
  userId: string;
  text: string;
  clientMsgId: string;
  threadId: number | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  pinned: boolean;
  reactions: Record<string, number>;
  replyCount: number;
}

export interface MessageAck {
  message: Message;
}

export interface ReactionData {
  messageId: number;
  emoji: string;
  userId: string;
  count: number;
}

export interface PresenceEntry {
  userId: string;
  clients: number;
  since: string;
}

export interface ReadPosition {
  room: string;
  offset: number;
  unread: number;
}

type MessageId = number | string;

/** Client events with an ack: what `request(event, data)` sends and resolves with. */
export interface ClientRequests {
  join: { data: { rooms: string[]; since?: Record<string, { offset: number; epoch: string }> }; ack: { rooms: JoinResult[] } };
  leave: { data: { rooms: string[] }; ack: { rooms: string[] } };
  refresh: { data: { token: string }; ack: { exp: number | null } };
  heartbeat: { data: undefined; ack: Record<string, never> };
  publish: { data: { room: string; event: string; data?: unknown }; ack: Record<string, never> };
  typing: { data: { room: string; isTyping: boolean }; ack: Record<string, never> };
  'presence.get': { data: { room: string }; ack: { room: string; users: PresenceEntry[] } };
  'message.send': { data: { room: string; text: string; clientMsgId: string; threadId?: MessageId }; ack: MessageAck };
  'message.edit': { data: { messageId: MessageId; text: string }; ack: MessageAck };
  'message.delete': { data: { messageId: MessageId }; ack: { messageId: number } };
  'reaction.add': { data: { messageId: MessageId; emoji: string }; ack: ReactionData };
  'reaction.remove': { data: { messageId: MessageId; emoji: string }; ack: ReactionData };
  'message.pin': { data: { messageId: MessageId }; ack: { messageId: number } };
  'message.unpin': { data: { messageId: MessageId }; ack: { messageId: number } };
  read: { data: { room: string; offset: MessageId }; ack: ReadPosition };
}

/** `data` of the events a room delivers (protocol.md 5 and 6). */
export interface RoomEvents {
  'message.created': { message: Message };
  'message.updated': { message: Message };
  'message.deleted': { messageId: number };
  'reaction.added': ReactionData;
  'reaction.removed': ReactionData;
  'message.pinned': { messageId: number };
  'message.unpinned': { messageId: number };
  'thread.updated': { messageId: number; replyCount: number };
  'room.updated': { room: string };
  'room.deleted': { room: string };
  typing: { userId: string; isTyping: boolean };
  'presence.join': { userId: string };
  'presence.leave': { userId: string };
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * Codes produced by the client itself; server codes (protocol.md 7) come as they are, also from
 * the problem body of a refused SSE POST or polling request (then `details.status` is the HTTP status).
 * `UNSUPPORTED_TRANSPORT`: over polling, what the REST API cannot do (`message.edit`, `message.delete`,
 * reactions, pins, `read`, `publish`, `typing` as a request, unknown events, and joins of rooms outside `chat:`).
 * `ENCRYPTION_FAILED`: with `encryption: true`, the server did not agree to encrypt (the client stops, as after
 * close 4004), a frame did not open (the connection counts as lost, and the client reconnects and recovers), or no
 * key pair could be made.
 */
export type ClientErrorCode =
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'CLOSED'
  | 'CANCELLED'
  | 'TOKEN_UNAVAILABLE'
  | 'BAD_FRAME'
  | 'ENCRYPTION_FAILED'
  | 'UNSUPPORTED_TRANSPORT';

export type ServerErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_EVENT'
  | 'AUTH_REQUIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'LIMIT_EXCEEDED'
  | 'INTERNAL';

export type ErrorCode = ClientErrorCode | ServerErrorCode | (string & {});

export declare const ClientErrorCodes: Readonly<{ [C in ClientErrorCode]: C }>;

export declare class RoomcastError extends Error {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown });
  readonly name: 'RoomcastError';
  readonly code: ErrorCode;
  /** The error's other fields: `retryAfterMs`, `event`; for DISCONNECTED the close `code` and `reason`. */
  readonly details: Record<string, unknown>;
  /** `details.retryAfterMs` when it is a number (RATE_LIMITED). */
  readonly retryAfterMs: number | undefined;
  /** Builds the error from an `error` frame's data (or a refused join result's `error`). */
  static fromData(data: unknown): RoomcastError;
}

// ---------------------------------------------------------------------------------------------
// Client

export type ClientState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ConnectingDetail {
  attempt: 0;
}

/** `connected`'s data, and the transport the session runs on. */
export interface ConnectedDetail extends ConnectedData {
  transport: TransportName;
}

export interface ReconnectingDetail {
  /**
   * The close code that ended the last socket (4000: the client gave up on it; null: no socket,
   * getToken failed). On SSE: the `close` frame's code; 1006 for a stream that could not be opened
   * or ended without one, a POST answered 404 or 403, or a failed POST; 4003 for a POST answered 401.
   * Over polling: 4003 for a request answered 401; 1006 for a request without an answer, a 5xx, or three
   * failed polls in a row.
   */
  code: number | null;
  reason: string;
  /** How long until the next attempt. */
  delayMs: number;
  /** Backoff attempts since the last successful connect. */
  attempt: number;
}

export interface DisconnectedDetail {
  /** 1000 after close(); otherwise the close code that stopped the client (null: no socket could be made). */
  code: number | null;
  reason: string;
}

export type StateDetail = ConnectingDetail | ConnectedDetail | ReconnectingDetail | DisconnectedDetail;

export interface ClientEventListeners {
  /** Every state change ('reconnecting' is announced again for every new attempt). */
  state: (state: ClientState, detail: StateDetail) => void;
  /** Every server frame that is not a reply (no `id`), except room events dropped as duplicates. */
  event: (frame: ServerFrame) => void;
  /**
   * `error` frames without an id, refused rejoins, failed token refreshes, unreadable frames,
   * SSE POSTs refused with 400, 401 or 403 (the problem's code), polling requests answered 401, and
   * over polling frames sent with `send()` that REST cannot carry (UNSUPPORTED_TRANSPORT).
   */
  error: (error: RoomcastError) => void;
}

export declare class RoomcastClient {
  constructor(options: ClientOptions);

  readonly state: ClientState;

  /**
   * The transport of the current connection or connection attempt; null while there is none
   * (before connect(), between attempts, once disconnected).
   */
  readonly transport: TransportName | null;

  on<E extends keyof ClientEventListeners>(event: E, listener: ClientEventListeners[E]): Unsubscribe;

  /** Starts connecting; reconnects by itself until close() or a close code that forbids it. */
  connect(): void;

  /**
   * Closes with 1000 and stops: pending requests, outbox sends and joins are rejected with
   * CLOSED, rooms are left. connect() may be called again later.
   */
  close(): void;

  /** `ping` resolves with the `pong` frame. */
  request(event: 'ping'): Promise<ServerFrame & { event: 'pong'; id: string }>;
  /**
   * Sends a frame with an id and resolves with its ack's data. Rejects with the error reply,
   * TIMEOUT, or DISCONNECTED (the connection dropped first, or connect() was never called). Made
   * while reconnecting, it is sent once connected and rooms are joined again.
   */
  request<E extends keyof ClientRequests>(event: E, data: ClientRequests[E]['data']): Promise<ClientRequests[E]['ack']>;
  request<T = unknown>(event: string, data?: Record<string, unknown>): Promise<T>;

  /**
   * Fire and forget (no id), for `typing`: dropped unless connected, and over polling (nobody would see it).
   * Returns whether it was sent.
   */
  send(event: string, data?: Record<string, unknown>): boolean;

  /** The room of that name (always the same object). */
  room(name: string): Room;
}

// ---------------------------------------------------------------------------------------------
// Rooms

export type RoomState = 'joining' | 'joined' | 'left';

export interface RoomStateDetail {
  /** `removed`: a `member.removed` without a reason (over polling, which cannot tell a leave from a kick or a ban). */
  reason?: 'join' | 'leave' | 'reconnecting' | 'join refused' | 'deleted' | 'closed' | 'left' | 'kicked' | 'banned' | 'removed' | (string & {});
  /** Why a join was refused. */
  error?: RoomcastError;
}

export interface SendMessageExtra {
  /** A thread reply's parent message. */
  threadId?: MessageId;
  /** Your own idempotency key; by default a random UUID. */
  clientMsgId?: string;
  [field: string]: unknown;
}

export declare class Room {
  private constructor();

  readonly name: string;
  readonly state: RoomState;
  /** Highest offset seen (persisted events and join acks); null before any. */
  readonly lastOffset: number | null;
  /** History epoch from the last join ack; null before any (and for rooms without history). */
  readonly epoch: string | null;

  /**
   * Joins, and keeps the room joined across reconnects (with `since` to recover what was missed).
   * Resolves with the join result once joined, waiting for a connection if needed; rejects with
   * the per-room error (FORBIDDEN, NOT_FOUND, ...), CANCELLED on leave(), CLOSED on close().
   */
  join(): Promise<JoinResult>;

  /** Stops rejoining, and leaves on the server if connected. */
  leave(): Promise<void>;

  /**
   * `message.send` through the outbox: resent in order, with the same clientMsgId, after every
   * reconnect until acknowledged. Rejected only by an error reply or close().
   */
  sendMessage(text: string, extra?: SendMessageExtra): Promise<MessageAck>;

  /** Joined, left or rejoining. */
  on(event: 'state', listener: (state: RoomState, detail: RoomStateDetail | JoinResult) => void): Unsubscribe;
  /** A rejoin could not recover the missed events (recovered:false): reload the room over HTTP. */
  on(event: 'reset', listener: (result: JoinResult) => void): Unsubscribe;
  /** Every frame delivered to the room. */
  on(event: '*', listener: (frame: ServerFrame) => void): Unsubscribe;
  on<E extends keyof RoomEvents>(event: E, listener: (data: RoomEvents[E], frame: ServerFrame<RoomEvents[E]>) => void): Unsubscribe;
  /** Any other room event (`publish`ed events of `live:` rooms, emitted events). */
  on(event: string, listener: (data: any, frame: ServerFrame) => void): Unsubscribe;
}

export declare function createClient(options: ClientOptions): RoomcastClient;
