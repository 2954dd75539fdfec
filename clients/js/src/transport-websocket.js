import { RoomcastError } from './errors.js';

/**
 * One WebSocket session, reduced to what the client needs: frames in, frames out, one close.
 * SSE and polling transports (later) implement the same shape, so the client never touches
 * the socket API.
 *
 * @typedef {{send(frame: object): boolean, close(code?: number, reason?: string): void}} Transport
 * @typedef {{
 *   onFrame(frame: Record<string, any>): void,
 *   onClose(close: {code: number, reason: string}): void,
 *   onError(error: RoomcastError): void,
 * }} TransportHandlers
 *
 * @param {{url: string, token: string, WebSocket: any}} options
 * @param {TransportHandlers} handlers
 * @returns {Transport}
 */
export function createWebSocketTransport({ url, token, WebSocket }, handlers) {
  // The query parameter, not a header: browsers cannot set headers on a WebSocket (protocol.md 1).
  const target = `${url.replace(/\/+$/, '')}/ws?access_token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(target);
  let finished = false;

  const detach = () => {
    finished = true;
    ws.onmessage = null;
    ws.onclose = null;
    ws.onerror = null;
    ws.onopen = null;
  };

  ws.onmessage = (/** @type {{data: unknown}} */ message) => {
    if (finished) return;
    let frame;
    try {
      frame = JSON.parse(typeof message.data === 'string' ? message.data : String(message.data));
    } catch {
      frame = undefined;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame) || typeof frame.event !== 'string') {
      handlers.onError(new RoomcastError('BAD_FRAME', 'the server sent a frame that is not a JSON event object'));
      return;
    }
    handlers.onFrame(frame);
  };
  // Browsers and the `ws` package both follow an error with a close event; that is where we act.
  ws.onerror = () => {};
  ws.onclose = (/** @type {{code?: number, reason?: string}} */ event) => {
    if (finished) return;
    detach();
    handlers.onClose({ code: typeof event?.code === 'number' ? event.code : 1006, reason: event?.reason ?? '' });
  };

  return {
    send(frame) {
      if (finished) return false;
      try {
        ws.send(JSON.stringify(frame));
        return true;
      } catch {
        // Sending on a socket that is going away: its close event will follow.
        return false;
      }
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
  };
}
