/**
 * @roomcast/client: a Roomcast client that keeps a session alive across drops, pod restarts and
 * token expiry (docs/protocol.md). Types: index.d.ts.
 *
 * @typedef {import('./index.js').ClientOptions} ClientOptions
 */
import { RoomcastClient } from './client.js';

export { RoomcastClient } from './client.js';
export { Room } from './room.js';
export { RoomcastError, ClientErrorCodes } from './errors.js';

/**
 * @param {ClientOptions} options
 * @returns {RoomcastClient}
 */
export function createClient(options) {
  return new RoomcastClient(options);
}
