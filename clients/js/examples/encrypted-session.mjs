// Prints an encrypted session (docs/protocol.md section 12) as it crosses the wire, each sealed frame followed by
// what it carries: the README's transcript comes from it. Against a running pod (scripts/dev):
//   node clients/js/examples/encrypted-session.mjs ws://localhost:8080 "$(scripts/token alice)"
// Needs Node 20+ (WebCrypto) and, before Node 22, the `ws` package (cd clients/js && npm ci).
import { createKeyExchange, createSealedSession } from '../src/encryption.js';

const [base = 'ws://localhost:8080', token] = process.argv.slice(2);
if (!token) {
  console.error('usage: node clients/js/examples/encrypted-session.mjs WS_BASE TOKEN');
  process.exit(2);
}
const WebSocket = globalThis.WebSocket ?? (await import('ws')).default;
const sealed = createSealedSession(await createKeyExchange(globalThis.crypto.subtle));
const shown = (url) => url.replace(/access_token=[^&]+/, 'access_token=<token>');
const url = `${base}/ws?access_token=${encodeURIComponent(token)}&publicKey=${sealed.publicKey}`;
console.log(`connect ${shown(url)}`);

const steps = [
  { event: 'join', id: '1', data: { rooms: ['live:lobby'] } },
  { event: 'publish', id: '2', data: { room: 'live:lobby', event: 'wave', data: { emoji: 'hi' } } },
  { event: 'ping', id: '3' },
];
const ws = new WebSocket(url);
const timeout = setTimeout(() => {
  console.error('no pong within 10 s');
  process.exit(1);
}, 10000);

const send = async (frame) => {
  const wire = await sealed.seal(frame);
  console.log(`> ${wire}`);
  console.log(`    = ${JSON.stringify(frame)}`);
  ws.send(wire);
};

ws.onmessage = async (message) => {
  const wire = typeof message.data === 'string' ? message.data : String(message.data);
  const frame = await sealed.receive(JSON.parse(wire));
  console.log(`< ${wire}`);
  if (frame.event !== 'connected') console.log(`    = ${JSON.stringify(frame)}`);
  if (frame.event === 'connected') for (const step of steps) await send(step);
  if (frame.event === 'pong') {
    clearTimeout(timeout);
    ws.close(1000);
  }
};
ws.onclose = (event) => {
  if (event.code !== 1000 && event.code !== 1005) console.error(`closed ${event.code} ${event.reason}`);
};
