import { RoomcastError } from './errors.js';
import { receiveFrame } from './frame.js';
import { sealedInbound } from './sealed-transport.js';

/** The close code the client sends when it abandons a session it cannot read. */
const ABANDONED = 4000;

/**
 * One WebSocket session, reduced to what the client needs: frames in, frames out, one close.
 * The SSE transport (transport-sse.js) and the polling transport (transport-polling.js) implement
 * the same shape, so the client never touches the socket, stream or REST API.
 *
 * A transport reports each server frame once (onFrame), its end once (onClose, with a close code
 * of protocol.md 3.6: the server's, or 1006 for a lost connection), and never after close() was
 * called on it. `heartbeats` says whether the session needs client `heartbeat` frames (a WebSocket
 * does, an SSE stream and polling do not). `setToken` gives it the token a successful `refresh`
 * installed, for transports that authenticate requests of their own (SSE POSTs, polling).
 *
 * @typedef {{
 *   name: 'websocket' | 'sse' | 'polling',
 *   heartbeats: boolean,
 *   send(frame: object): boolean,
 *   close(code?: number, reason?: string): void,
 *   setToken(token: string): void,
 * }} Transport
 * @typedef {{
 *   onFrame(frame: Record<string, any>): void,
 *   onClose(close: {code: number, reason: string}): void,
 *   onError(error: RoomcastError): void,
 *   onActivity?(): void,
 * }} TransportHandlers
 *
 * With `sealed` (protocol.md 12), the key goes in the handshake's query, and frames are opened and
 * sealed in order on their way (see sealed-transport.js for what ends such a session).
 *
 * @param {{url: string, token: string, WebSocket: any, sealed?: import('./encryption.js').SealedSession | null}} options
 * @param {TransportHandlers} handlers
 * @returns {Transport}
 */
export function createWebSocketTransport({ url, token, WebSocket, sealed = null }, handlers) {
  // The query parameter, not a header: browsers cannot set headers on a WebSocket (protocol.md 1).
  const key = sealed ? `&publicKey=${sealed.publicKey}` : '';
  const target = `${webSocketBaseUrl(url)}/ws?access_token=${encodeURIComponent(token)}${key}`;
  const ws = new WebSocket(target);
  let finished = false;

  const detach = () => {
    finished = true;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    ws.onopen = null;
  };

  /** @param {number} code @param {string} reason */
  const end = (code, reason) => {
    if (finished) return;
    detach();
    handlers.onClose({ code, reason });
  };
  const inbound = sealedInbound(sealed, handlers, {
    deliver: (frame) => {
      if (!finished) handlers.onFrame(frame);
    },
    fail: (code, reason) => {
      if (finished) return;
      detach();
      try {
        ws.close(ABANDONED, reason);
      } catch {
        // already closed
      }
      handlers.onClose({ code, reason });
    },
  });

  ws.onmessage = (/** @type {{data: unknown}} */ message) => {
    if (finished) return;
    const frame = receiveFrame(message.data, handlers);
    if (frame) inbound.receive(frame);
  };
  // Browsers and the `ws` package both follow an error with a close event; that is where we act.
  ws.onerror = () => {};
  ws.onclose = (/** @type {{code?: number, reason?: string}} */ event) => {
    if (finished) return;
    const code = typeof event?.code === 'number' ? event.code : 1006;
    const reason = event?.reason ?? '';
    // After the frames that came before it, however long they take to open.
    inbound.then(() => end(code, reason));
  };

  /** @param {string} json */
  const write = (json) => {
    try {
      ws.send(json);
      return true;
    } catch {
      // Sending on a socket that is going away: its close event will follow.
      return false;
    }
  };

  return {
    name: 'websocket',
    heartbeats: true,
    send(frame) {
      if (finished) return false;
      if (sealed) {
        sealed.seal(frame).then(
          (json) => {
            if (!finished) write(json);
          },
          (error) => inbound.fail(error),
        );
        return true;
      }
      return write(JSON.stringify(frame));
    },
    close(code = 1000, reason = '') {
      if (finished) return;
      // Detached first: whoever closes deliberately has already decided what happens next, and a
      // dead TCP connection may take minutes to report its close event.
      detach();
      try {
        ws.close(code, reason);
      } catch {
        // already closed
      }
    },
    setToken() {
      // The token only matters at the handshake; `refresh` went over the socket itself.
    },
  };
}

/**
 * The WebSocket URL from the client's `url`: ws(s):// is kept, http:// becomes ws://, https://
 * wss:// (older browsers refuse http(s) URLs in the WebSocket constructor); trailing slashes are dropped.
 * @param {string} url
 */
export function webSocketBaseUrl(url) {
  return url.replace(/\/+$/, '').replace(/^http(s?):\/\//i, (_, secure) => `ws${secure.toLowerCase()}://`);
}
