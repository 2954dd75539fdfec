import { RoomcastError } from './errors.js';

/**
 * A message as both transports take it in (protocol.md 2.2 and 11.1): it counts as activity for the silence check,
 * and it is one server frame, or garbage reported as BAD_FRAME.
 * @param {unknown} data the message's text
 * @param {{onActivity?(): void, onError(error: RoomcastError): void}} handlers
 * @returns {any} the frame, or null when there is none
 */
export function receiveFrame(data, handlers) {
  handlers.onActivity?.();
  let frame;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : String(data));
  } catch {
    frame = undefined;
  }
  if (!frame || typeof frame !== 'object' || Array.isArray(frame) || typeof frame.event !== 'string') {
    handlers.onError(new RoomcastError('BAD_FRAME', 'the server sent a frame that is not a JSON event object'));
    return null;
  }
  return frame;
}
