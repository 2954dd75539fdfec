// Type declarations for @roomcast/client/react. React (>= 18) is a peer dependency; TanStack Query is none:
// the query binding takes any object with the QueryClient methods it uses (QueryClientLike).

import type { ReactElement, ReactNode } from 'react';
import type { ClientState, Message, Room, RoomcastClient, RoomcastError, RoomState, TransportName, Unsubscribe } from '../src/index.js';

/** Timer functions for the typing expiry. A `FakeClock`-like object fits. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: any): void;
}

export interface RoomcastProviderProps {
  client: RoomcastClient;
  /** Timers for the typing expiry, injectable for tests; keep the object stable. Default the global ones. */
  timers?: Timers;
  children?: ReactNode;
}

/** Makes `client` available to the hooks. It neither connects nor closes the client. */
export declare function RoomcastProvider(props: RoomcastProviderProps): ReactElement;

export interface RoomcastSnapshot {
  client: RoomcastClient;
  state: ClientState;
  /** The client's transport when `state` last changed (or at this render). */
  transport: TransportName | null;
}

/** The provider's client and its connection state; re-renders on every state change. */
export declare function useRoomcast(): RoomcastSnapshot;

export interface UseRoomOptions {
  /**
   * Join the room while mounted. Default true. The room is joined once for all the hooks holding it and
   * left after the last one unmounts, unless the application had joined it before the first one mounted.
   */
  join?: boolean;
}

export interface UseRoomResult {
  room: Room;
  state: RoomState;
  /** User ids typing in the room now, in the order they started; each expires after 8 s unless repeated. */
  typing: readonly string[];
  /** Why the last join seen by this hook was refused (FORBIDDEN, NOT_FOUND, ...); null once joined. */
  error: RoomcastError | null;
}

/** Joins a room while mounted (unless `join: false`), and follows its state and who is typing. */
export declare function useRoom(name: string, options?: UseRoomOptions): UseRoomResult;

/** How long a typing indication lasts unless repeated (protocol.md 5.2): 8000 ms. */
export declare const TYPING_EXPIRY_MS: 8000;

// ---------------------------------------------------------------------------------------------
// TanStack Query

/** `GET /api/rooms/{room}/messages`. Items in ascending offset order; `hasMore`: older messages exist. */
export interface MessagePage {
  items: Message[];
  hasMore: boolean;
}

/** An infinite query over `MessagePage`s, loaded backwards from the newest (in either page order). */
export interface InfiniteMessagePages<TPageParam = unknown> {
  pages: MessagePage[];
  pageParams: TPageParam[];
}

/** `ROOM` of protocol.md 8, as `GET /api/rooms` lists it. */
export interface RoomListItem {
  room: string;
  title: string | null;
  owner: string;
  epoch: string;
  lastOffset: number;
  unread: number;
}

/** `GET /api/rooms`. */
export interface RoomList {
  items: RoomListItem[];
}

/** The keys the binding writes and invalidates; use them for the matching queries. */
export declare const roomcastQueryKeys: {
  /** Prefix of every key below. */
  readonly all: () => readonly ['roomcast'];
  /** `GET /api/rooms` (`RoomList`): invalidated on room.*, member.*, reconnects; `unread` written on read.updated. */
  readonly rooms: () => readonly ['roomcast', 'rooms'];
  /** Prefix of one room's keys: invalidated on room.deleted, member.removed, and the room's reset. */
  readonly room: (name: string) => readonly ['roomcast', 'room', string];
  /** `GET /api/rooms/{room}`: invalidated on room.updated. */
  readonly roomInfo: (name: string) => readonly ['roomcast', 'room', string, 'info'];
  /** `GET /api/rooms/{room}/messages` (`MessagePage` or `InfiniteMessagePages`): message events written into it. */
  readonly messages: (name: string) => readonly ['roomcast', 'room', string, 'messages'];
  /** Prefix for `GET /api/notifications` queries: invalidated on notification and reconnects. */
  readonly notifications: () => readonly ['roomcast', 'notifications'];
};

/** The part of TanStack Query's `QueryClient` (v4 or v5) that the binding uses. */
export interface QueryClientLike {
  setQueryData(queryKey: readonly unknown[], updater: (data: any) => any): unknown;
  invalidateQueries(filters: { queryKey: readonly unknown[] }): unknown;
  getQueryState(queryKey: readonly unknown[]): { fetchStatus: string } | undefined;
  getQueryCache(): {
    getAll(): Array<{ queryKey: readonly unknown[] }>;
    subscribe(listener: (event: any) => void): () => void;
  };
}

/**
 * Keeps `queryClient` in step with `client`'s events: message.*, reaction.* and thread.updated written
 * into the room's messages query (also when they arrive while it fetches), read.updated into the rooms
 * list; room.*, member.*, notification, a room's reset and reconnects invalidate the matching keys.
 * Returns a function that stops it.
 */
export declare function bindQueryCache(client: RoomcastClient, queryClient: QueryClientLike): Unsubscribe;

/** `bindQueryCache` with the provider's client, while the calling component is mounted. */
export declare function useRoomcastQueryCache(queryClient: QueryClientLike): void;

/**
 * Adds a message its room's messages query does not hold yet: the ack of `sendMessage`, or the answer
 * of `POST /api/rooms/{room}/messages`. A message already there is left as it is (its events keep it
 * current). Throws a TypeError for something that is not a message.
 */
export declare function addMessage(queryClient: QueryClientLike, message: Message): void;
