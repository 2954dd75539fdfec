/**
 * Transport encryption (protocol.md section 12) with WebCrypto: an ephemeral ECDH P-256 key pair per
 * connection, one AES-256-GCM key per direction from HKDF-SHA256 over the shared secret and the
 * server's salt, and frames sealed and opened with counters, in order. Nothing here is logged; the
 * keys live in the closures of one connection and go with it.
 */

const CLIENT_TO_SERVER = new TextEncoder().encode('roomcast v1 client->server');
const SERVER_TO_CLIENT = new TextEncoder().encode('roomcast v1 server->client');
const IV_BYTES = 12;
const TAG_BITS = 128;

/**
 * A session that cannot go on encrypted: a frame that cannot be opened (tampered, replayed, out of
 * order, plaintext after `connected`), or a `connected` that does not agree to encrypt (`refused`).
 */
export class SealingError extends Error {
  /** @param {string} message @param {boolean} [refused] */
  constructor(message, refused = false) {
    super(message);
    this.refused = refused;
  }
}

/**
 * One encrypted connection as a transport sees it: the key it puts in the handshake's query, and its
 * frames, opened in arrival order and sealed in sending order. `connected` is taken in plaintext and
 * derives the keys; the frames that arrive meanwhile wait for them.
 *
 * @typedef {{
 *   publicKey: string,
 *   receive(frame: any): Promise<any>,
 *   seal(frame: object): Promise<string>,
 *   afterReceived(fn: () => void): void,
 * }} SealedSession
 *
 * @param {{publicKey: string, agree(data: any): Promise<FrameCipher>}} exchange
 * @returns {SealedSession}
 */
export function createSealedSession(exchange) {
  /** @type {FrameCipher | null} */
  let cipher = null;
  /** @type {Promise<unknown>} */
  let received = Promise.resolve();

  return {
    publicKey: exchange.publicKey,
    /** The frame the client reads, in arrival order; rejects with SealingError when the session cannot go on. */
    receive(frame) {
      const done = received.then(async () => {
        if (cipher == null) {
          if (frame.event !== 'connected' || frame.id !== undefined) return frame; // the server's word before any keys
          if (frame.data?.encrypted !== true) throw new SealingError('the server did not agree to encrypt the session', true);
          cipher = await exchange.agree(frame.data);
          return frame;
        }
        const text = await cipher.open(frame);
        let opened;
        try {
          opened = JSON.parse(text);
        } catch {
          opened = undefined;
        }
        if (!opened || typeof opened !== 'object' || Array.isArray(opened) || typeof opened.event !== 'string') {
          throw new SealingError('an encrypted frame that does not hold a JSON event object');
        }
        return opened;
      });
      received = done.catch(() => {});
      return done;
    },
    /** The `encrypted` frame's JSON for a frame, in the order of the calls. */
    seal(frame) {
      if (cipher == null) return Promise.reject(new SealingError('nothing can be sent before connected'));
      return cipher.seal(JSON.stringify(frame));
    },
    /** Runs fn once every frame received so far was handled: the end of a transport comes after its last frames. */
    afterReceived(fn) {
      received = received.then(fn, fn);
    },
  };
}

/**
 * The client's half of the key agreement for one connection.
 * @param {SubtleCrypto} subtle
 * @returns {Promise<{publicKey: string, agree(data: any): Promise<FrameCipher>}>} `publicKey`: SPKI DER, base64url
 *   without padding (what the handshake's query carries; the server reads either alphabet)
 */
export async function createKeyExchange(subtle) {
  const pair = /** @type {CryptoKeyPair} */ (
    await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])
  );
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  return {
    publicKey: toBase64(spki).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    /** Derives the keys from `connected.data` (`serverPublicKey`, `salt`). */
    async agree(data) {
      let serverKey;
      let salt;
      try {
        serverKey = await subtle.importKey('spki', fromBase64(data.serverPublicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
        salt = fromBase64(data.salt);
      } catch (cause) {
        throw new SealingError(`connected carries no usable serverPublicKey and salt: ${describe(cause)}`);
      }
      const secret = await subtle.deriveBits({ name: 'ECDH', public: serverKey }, pair.privateKey, 256);
      const ikm = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
      const derive = (/** @type {Uint8Array} */ info, /** @type {KeyUsage} */ usage) =>
        subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info }, ikm, { name: 'AES-GCM', length: 256 }, false, [usage]);
      return createFrameCipher(subtle, await derive(CLIENT_TO_SERVER, 'encrypt'), await derive(SERVER_TO_CLIENT, 'decrypt'));
    },
  };
}

/**
 * @typedef {{
 *   seal(text: string): Promise<string>,
 *   open(frame: any): Promise<string>,
 * }} FrameCipher
 */

/**
 * Seals and opens one connection's frames. Each direction runs one operation at a time, in call
 * order, so that counters and results line up with the order of the frames whatever the runtime's
 * WebCrypto does in parallel.
 * @param {SubtleCrypto} subtle
 * @param {CryptoKey} toServer
 * @param {CryptoKey} fromServer
 * @returns {FrameCipher}
 */
function createFrameCipher(subtle, toServer, fromServer) {
  let sent = 0n;
  let received = 0n;
  /** @type {Promise<unknown>} */
  let sealing = Promise.resolve();
  /** @type {Promise<unknown>} */
  let opening = Promise.resolve();

  return {
    /** The `encrypted` frame's JSON for a frame's JSON, with the next counter. */
    seal(text) {
      const iv = counterIv(sent);
      sent += 1n;
      const done = sealing.then(async () => {
        const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, tagLength: TAG_BITS }, toServer, new TextEncoder().encode(text)));
        return JSON.stringify({ event: 'encrypted', data: { iv: toBase64(iv), ct: toBase64(ct) } });
      });
      sealing = done.catch(() => {});
      return done;
    },
    /** The JSON an `encrypted` frame carries; rejects with SealingError when it is not the server's next frame. */
    open(frame) {
      const done = opening.then(async () => {
        if (!frame || frame.event !== 'encrypted' || typeof frame.data?.iv !== 'string' || typeof frame.data?.ct !== 'string') {
          throw new SealingError('a frame after connected is not encrypted');
        }
        let iv;
        let ct;
        try {
          iv = fromBase64(frame.data.iv);
          ct = fromBase64(frame.data.ct);
        } catch {
          throw new SealingError('an encrypted frame whose iv or ct is not base64');
        }
        if (!sameBytes(iv, counterIv(received))) {
          throw new SealingError(`an encrypted frame out of order (expected counter ${received})`);
        }
        let plain;
        try {
          plain = await subtle.decrypt({ name: 'AES-GCM', iv, tagLength: TAG_BITS }, fromServer, ct);
        } catch {
          throw new SealingError('an encrypted frame that does not decrypt');
        }
        received += 1n;
        return new TextDecoder().decode(plain);
      });
      opening = done.catch(() => {});
      return done;
    },
  };
}

/** 4 zero bytes, then the counter as 64 bits big-endian. @param {bigint} counter */
function counterIv(counter) {
  const iv = new Uint8Array(IV_BYTES);
  new DataView(iv.buffer).setBigUint64(4, counter);
  return iv;
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Standard base64 with padding, as the server reads and writes it. @param {Uint8Array} bytes */
export function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 1) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/** Standard or URL-safe base64, padding optional. @param {string} text */
export function fromBase64(text) {
  if (typeof text !== 'string') throw new TypeError('not a base64 string');
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** @param {unknown} cause */
function describe(cause) {
  return cause instanceof Error ? cause.message : String(cause);
}
