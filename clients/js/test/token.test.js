import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeJwtPayload, tokenExpiryMs } from '../src/jwt.js';
import { FakeClock, flush, jwt, setup } from '../test-support/fakes.js';

test('the JWT payload is decoded without verification (base64url, unicode)', () => {
  const token = jwt({ sub: 'zoë/ü?', exp: 1795980000 });
  assert.deepEqual(decodeJwtPayload(token), { sub: 'zoë/ü?', exp: 1795980000 });
  assert.equal(tokenExpiryMs(token), 1795980000 * 1000);
  assert.equal(tokenExpiryMs(jwt({ sub: 'a' })), null, 'no exp: never expires');
  assert.equal(tokenExpiryMs('opaque'), null);
  assert.equal(tokenExpiryMs('a.%%%.c'), null);
});

test('getToken is called at connect and again before exp, and the new token is sent with refresh', async () => {
  const start = new FakeClock().time;
  const expSeconds = (ms) => Math.floor((start + ms) / 1000);
  const first = jwt({ sub: 'alice', exp: expSeconds(120_000) });
  const second = jwt({ sub: 'alice', exp: expSeconds(600_000) });
  const issued = [first, second];
  let calls = 0;
  const { client, clock, socket, connect } = setup({
    token: undefined,
    getToken: async () => issued[calls++],
  });
  await connect();
  socket().autoPong = true; // the server stays alive through the 10 minutes below
  assert.equal(calls, 1);
  assert.equal(socket().token, first);

  // refreshLeadMs defaults to 30 s: due 90 s after the start.
  await clock.advance(89_000);
  assert.equal(calls, 1);
  assert.deepEqual(socket().frames('refresh'), []);
  await clock.advance(1_000);
  assert.equal(calls, 2);
  const refresh = socket().last('refresh');
  assert.deepEqual(refresh.data, { token: second });
  socket().ack(refresh, { exp: expSeconds(600_000) });
  await flush();

  // The next refresh follows the new exp (600 s - 30 s), not the old one.
  await clock.advance(479_000);
  assert.equal(socket().frames('refresh').length, 1);
  await clock.advance(1_000);
  assert.equal(calls, 3);
  assert.equal(client.state, 'connected');
  assert.equal(socket().frames('ping').length > 0, true, 'the silence check ran meanwhile');
  client.close();
});

test('a reconnect uses the token from getToken, not the refreshed one', async () => {
  let calls = 0;
  const { client, clock, sockets, connect } = setup({ token: undefined, getToken: async () => `token-${++calls}` });
  await connect();
  sockets[0].drop(1006);
  await clock.advance(250);
  assert.equal(sockets[1].token, 'token-2');
  client.close();
});

test('a static token is never refreshed', async () => {
  const exp = Math.floor((new FakeClock().time + 60_000) / 1000);
  const { client, clock, socket, connect } = setup({ token: jwt({ sub: 'alice', exp }) });
  await connect();
  await clock.advance(59_000);
  assert.deepEqual(socket().frames('refresh'), []);
  client.close();
});

test('a short-lived token is refreshed at half its remaining life, and a refused refresh is reported', async () => {
  const start = new FakeClock().time;
  let calls = 0;
  const { client, clock, socket, errors, connect } = setup({
    token: undefined,
    getToken: async () => jwt({ sub: 'alice', n: ++calls, exp: Math.floor((start + 20_000) / 1000) }),
  });
  await connect();
  await clock.advance(9_999);
  assert.deepEqual(socket().frames('refresh'), []);
  await clock.advance(1);
  const refresh = socket().last('refresh');
  assert.ok(refresh);
  socket().fail(refresh, 'FORBIDDEN', 'another sub');
  await flush();
  assert.equal(errors.at(-1).code, 'FORBIDDEN');
  client.close();
});
