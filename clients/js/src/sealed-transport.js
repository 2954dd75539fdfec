import { RoomcastError } from './errors.js';

/** What a session that cannot be read ends as: 4004 when the server would not encrypt, else a lost connection. */
const ENCRYPTION_REQUIRED = 4004;
const LOST = 1006;

/**
 * The inbound side of a transport, sealed or not (protocol.md 12): frames go to `deliver` in arrival
 * order, opened first when the session is encrypted, and `then` runs what ends the transport after
 * every frame that came before the end. A session that cannot go on encrypted is reported
 * (ENCRYPTION_FAILED) and ended through `fail`: as close 4004 when the server did not agree to encrypt
 * (reconnecting would not change that), as a lost connection (1006) when a frame does not open, so
 * that the client reconnects and recovers what it missed by offset, as after any loss. Without a
 * sealed session everything runs at once, as before.
 *
 * @param {import('./encryption.js').SealedSession | null} sealed
 * @param {{onError(error: RoomcastError): void}} handlers
 * @param {{deliver(frame: any): void, fail(code: number, reason: string): void}} sink
 */
export function sealedInbound(sealed, handlers, { deliver, fail }) {
  let failed = false;
  /** @param {unknown} error */
  const failWith = (error) => {
    if (failed) return;
    failed = true;
    const refused = /** @type {any} */ (error)?.refused === true;
    const message = error instanceof Error ? error.message : String(error);
    handlers.onError(new RoomcastError('ENCRYPTION_FAILED', message, { refused }));
    fail(refused ? ENCRYPTION_REQUIRED : LOST, message);
  };
  return {
    /** @param {any} frame */
    receive(frame) {
      if (!sealed) {
        deliver(frame);
        return;
      }
      sealed.receive(frame).then(
        (opened) => {
          if (!failed) deliver(opened);
        },
        failWith,
      );
    },
    /** @param {() => void} fn */
    then(fn) {
      if (sealed) sealed.afterReceived(fn);
      else fn();
    },
    fail: failWith,
  };
}
