// The server's side of transport encryption (protocol.md section 12) written from the section's text with
// node:crypto's own primitives (diffieHellman, hkdfSync, createCipheriv), not WebCrypto: what the client's
// WebCrypto code is tested against. Kept outside test/ because `node --test test/` runs every .js file there.
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';

export class SealingServer {
  #toClient;
  #fromClient;
  #sent = 0n;
  /** The counter of the last client frame that opened, or -1. */
  #opened = -1n;

  /** @param {string} clientPublicKey SPKI DER in base64 or base64url, as the client sends it */
  constructor(clientPublicKey) {
    const client = createPublicKey({ key: Buffer.from(clientPublicKey, 'base64'), format: 'der', type: 'spki' });
    const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const secret = diffieHellman({ privateKey: server.privateKey, publicKey: client });
    const salt = randomBytes(16);
    this.#fromClient = Buffer.from(hkdfSync('sha256', secret, salt, 'roomcast v1 client->server', 32));
    this.#toClient = Buffer.from(hkdfSync('sha256', secret, salt, 'roomcast v1 server->client', 32));
    /** What `connected.data` carries besides the session's own fields. */
    this.connectedData = {
      encrypted: true,
      serverPublicKey: server.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      salt: salt.toString('base64'),
    };
  }

  /** The `encrypted` frame for a frame, with the server's next counter (or the one given). */
  seal(frame, counter = this.#sent++) {
    const iv = Buffer.alloc(12);
    iv.writeBigUInt64BE(BigInt(counter), 4);
    const cipher = createCipheriv('aes-256-gcm', this.#toClient, iv);
    const ct = Buffer.concat([cipher.update(JSON.stringify(frame), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { event: 'encrypted', data: { iv: iv.toString('base64'), ct: ct.toString('base64') } };
  }

  /** The frame a client's `encrypted` frame carries; throws as the server refuses (format, counter, tag). */
  open(frame) {
    if (frame?.event !== 'encrypted') throw new Error(`not an encrypted frame: ${JSON.stringify(frame)}`);
    const iv = Buffer.from(frame.data.iv, 'base64');
    if (iv.length !== 12 || iv.readUInt32BE(0) !== 0) throw new Error('bad iv');
    const counter = iv.readBigUInt64BE(4);
    if (counter <= this.#opened) throw new Error(`counter ${counter} replayed or reordered`);
    const sealed = Buffer.from(frame.data.ct, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#fromClient, iv);
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
    this.#opened = counter;
    return JSON.parse(plain.toString('utf8'));
  }

  /** The counter of the last client frame that opened. */
  get lastCounter() {
    return this.#opened;
  }
}
