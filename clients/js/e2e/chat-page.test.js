// The chat page (served by the pods at /) in headless Chromium, against two packaged pods that ChatPageIT starts:
// alice's page goes through a stand-in for the Service (first pod, then the second once the first is killed), bob's
// page talks to the second pod, carol's page goes through a proxy that refuses WebSocket upgrades.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { startProxy } from '../test-support/proxy.js';
import { startUpgradeBlockingProxy } from '../test-support/upgrade-blocking-proxy.js';
import {
  createRoom,
  endpoint,
  env,
  launchChromium,
  messageItem,
  openPage,
  openRoom,
  recordTraffic,
  rest,
  roomButton,
  sendFromComposer,
  shownMessages,
  waitForMessage,
} from './support.js';

const podA = env('ROOMCAST_E2E_POD_A');
const podB = env('ROOMCAST_E2E_POD_B');
const tokens = {
  alice: env('ROOMCAST_E2E_TOKEN_ALICE'),
  bob: env('ROOMCAST_E2E_TOKEN_BOB'),
  carol: env('ROOMCAST_E2E_TOKEN_CAROL'),
};
const screenshots = env('ROOMCAST_E2E_SCREENSHOTS');
const require = createRequire(import.meta.url);
const run = Date.now().toString(36);
const rooms = { main: `chat:team-${run}`, side: `chat:random-${run}`, history: `chat:archive-${run}` };
const HISTORY = 120;

let browser;
let service;
let alice;
let bob;

before(async () => {
  await createRoom(podB, tokens.alice, rooms.main, ['page-bob', 'page-carol']);
  await createRoom(podB, tokens.alice, rooms.side, ['page-bob']);
  await createRoom(podB, tokens.alice, rooms.history, ['page-bob']);
  for (let i = 1; i <= HISTORY; i++) {
    await rest(podB, tokens.bob, 'POST', `/api/rooms/${encodeURIComponent(rooms.history)}/messages`, {
      text: `h${i}`,
      clientMsgId: `history-${run}-${i}`,
    });
  }
  browser = await launchChromium();
  service = await startProxy(endpoint(podA));
  alice = await openPage(browser, service.url.replace(/^ws:/, 'http:'), tokens.alice);
  bob = await openPage(browser, podB, tokens.bob);
  await mkdir(screenshots, { recursive: true });
});

after(async () => {
  await browser?.close();
  service?.close();
});

scenario('a production build has no development sign-in: the page asks the embedding application for a token', async () => {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${podB}/`);
  await page.waitForSelector('#sign-in-embedded', { visible: true });
  assert.equal(await page.$eval('#sign-in-form', (form) => form.hidden), true);
  assert.equal((await fetch(`${podB}/dev/sign-in`)).status, 404);
  await context.close();
});

scenario('an embedding page of the same origin hands the page its token by postMessage; another origin cannot', async () => {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  /** Opens a page of `parentBase` that frames the chat page of `chatBase`. */
  const embed = async (parentBase, chatBase = podB) => {
    await page.goto(`${parentBase}/`);
    return page.evaluate(async (src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.title = 'chat';
      document.body.append(frame);
      await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
      return true;
    }, `${chatBase}/`);
  };
  const framed = () => page.frames().find((frame) => frame !== page.mainFrame());
  const post = (token) =>
    page.evaluate((message, target) => document.querySelector('iframe').contentWindow.postMessage(message, target), { type: 'roomcast:token', token }, podB);

  // By default no other origin may frame the page at all (frame-ancestors 'self', the first pod).
  const serviceBase = service.url.replace(/^ws:/, 'http:');
  await embed(podB, serviceBase);
  assert.ok(!framed().url().startsWith(serviceBase), `the browser refused to frame it: ${framed().url()}`);

  // An embedder the second pod allows, on another origin: its token is ignored, the page still asks for one.
  await embed(serviceBase);
  await framed().waitForSelector('#sign-in-embedded', { visible: true });
  // A listener added after the page's own runs after it: once it has seen the message, the page has decided.
  await framed().evaluate(() => {
    window.tokenMessageSeen = new Promise((resolve) => addEventListener('message', () => resolve(), { once: true }));
  });
  await post(tokens.carol);
  await framed().evaluate(() => window.tokenMessageSeen);
  assert.equal(await framed().$eval('#app', (app) => app.hidden), true);

  // The embedding page of the chat's own origin: the page signs in with the token it is given.
  await embed(podB);
  await framed().waitForSelector('#sign-in-embedded', { visible: true });
  await post(tokens.carol);
  await framed().waitForSelector('#banner[data-state="connected"]', { timeout: 20000 });
  assert.equal(await framed().$eval('#me', (me) => me.textContent), 'page-carol');
  await context.close();
});

scenario('two users on two pods chat in one room, and each sees the other typing and online', async () => {
  await openRoom(alice.page, rooms.main);
  await openRoom(bob.page, rooms.main);
  await alice.page.waitForSelector('#presence li[data-user="page-bob"]', { timeout: 15000 });
  await bob.page.waitForSelector('#presence li[data-user="page-alice"]', { timeout: 15000 });

  await bob.page.click('#composer-text');
  await bob.page.keyboard.type('hello al');
  await alice.page.waitForFunction(() => document.getElementById('typing').textContent === 'page-bob is typing…', {
    timeout: 10000,
  });
  await bob.page.keyboard.type('ice');
  await bob.page.keyboard.press('Enter');
  await waitForMessage(alice.page, 'hello alice');
  // The message ends bob's typing on alice's page.
  await alice.page.waitForFunction(() => document.getElementById('typing').textContent === '', { timeout: 10000 });

  await sendFromComposer(alice.page, 'hi bob');
  await waitForMessage(bob.page, 'hi bob');
  const onBob = await shownMessages(bob.page);
  assert.deepEqual(
    onBob.map((message) => message.text),
    ['hello alice', 'hi bob'],
  );
  assert.ok(onBob[0].offset < onBob[1].offset);
  assert.deepEqual([...alice.errors, ...bob.errors], []);
});

scenario('reactions, pins, thread replies, edits, deletes and mentions made on one page show on the other', async () => {
  await sendFromComposer(alice.page, 'lunch at noon? @page-bob');
  const message = await waitForMessage(bob.page, 'lunch at noon? @page-bob');
  await bob.page.waitForFunction(() => document.getElementById('notification-count').textContent === '1', {
    timeout: 10000,
  });
  await waitForMessage(alice.page, 'lunch at noon? @page-bob');
  const onAlice = messageItem(message.id);

  await alice.page.click(`${onAlice} [data-action="react"][aria-label="React with 👍"]`);
  await bob.page.waitForFunction(
    (selector) => document.querySelector(`${selector} .reaction`)?.textContent === '👍 1',
    { timeout: 10000 },
    messageItem(message.id),
  );

  await alice.page.click(`${onAlice} [data-action="pin"]`);
  await bob.page.waitForSelector(`${messageItem(message.id)}.is-pinned`, { timeout: 10000 });
  await bob.page.waitForSelector('#pinned:not([hidden])');
  // The pinned bar appearing on Alice's page moves the messages down: a click aimed before it lands on another one.
  await alice.page.waitForSelector(`${onAlice}.is-pinned`, { timeout: 10000 });
  await alice.page.waitForSelector('#pinned:not([hidden])');

  await alice.page.click(`${onAlice} [data-action="thread"]`);
  await alice.page.waitForSelector('#thread-panel:not([hidden])');
  await alice.page.type('#thread-text', 'in the kitchen');
  await alice.page.keyboard.press('Enter');
  await bob.page.waitForFunction(
    (selector) => document.querySelector(`${selector} [data-action="thread"]`)?.textContent === '1 reply',
    { timeout: 10000 },
    messageItem(message.id),
  );
  // A reply lives in its thread, not in the room's list.
  assert.ok(!(await shownMessages(bob.page)).some((shown) => shown.text === 'in the kitchen'));
  await alice.page.click('#close-thread');

  await sendFromComposer(alice.page, 'typo in ths one');
  const second = await waitForMessage(bob.page, 'typo in ths one');
  await waitForMessage(alice.page, 'typo in ths one');
  const secondOnAlice = messageItem(second.id);
  await alice.page.click(`${secondOnAlice} [data-action="edit"]`);
  await alice.page.waitForSelector(`${secondOnAlice} form.edit textarea`);
  await alice.page.$eval(`${secondOnAlice} form.edit textarea`, (input) => {
    input.value = '';
  });
  await alice.page.type(`${secondOnAlice} form.edit textarea`, 'no typo in this one');
  await alice.page.click(`${secondOnAlice} form.edit button[type="submit"]`);
  await bob.page.waitForFunction(
    (selector) =>
      document.querySelector(`${selector} .text`)?.textContent === 'no typo in this one' &&
      document.querySelector(`${selector} .meta`)?.textContent.includes('(edited)'),
    { timeout: 10000 },
    messageItem(second.id),
  );

  // The edit form closes once alice's page has the ack; the message then offers its actions again.
  await alice.page.waitForSelector(`${secondOnAlice} [data-action="delete"]`, { timeout: 10000 });
  await alice.page.click(`${secondOnAlice} [data-action="delete"]`);
  await bob.page.waitForFunction(
    (selector) => document.querySelector(`${selector} .text`)?.textContent === 'This message was deleted.',
    { timeout: 10000 },
    messageItem(second.id),
  );
  assert.deepEqual([...alice.errors, ...bob.errors], []);

  // The picture in the README: bob's page with the mention, its reaction, pin and thread, and alice typing.
  await alice.page.click('#composer-text');
  await alice.page.keyboard.type('see you');
  await bob.page.waitForFunction(() => document.getElementById('typing').textContent === 'page-alice is typing…', {
    timeout: 10000,
  });
  await bob.page.screenshot({ path: `${screenshots}/chat-page.png` });
  await alice.page.keyboard.press('Enter');
  await waitForMessage(bob.page, 'see you');
});

scenario('a room created on the page, with a member added there, appears on the member\'s page at once', async () => {
  const id = `plans-${run}`;
  await alice.page.type('#create-room-id', id);
  await alice.page.type('#create-room-title', `Plans ${run}`);
  await alice.page.click('#create-room button[type="submit"]');
  await alice.page.waitForFunction((title) => document.getElementById('room-title').textContent === title, {}, `Plans ${run}`);
  // Once alice shows as online the people panel has stopped moving (a click is aimed before it lands).
  await alice.page.waitForSelector('#presence li[data-user="page-alice"]', { timeout: 15000 });
  await alice.page.type('#add-member-id', 'page-bob');
  await alice.page.keyboard.press('Enter');
  await alice.page.waitForFunction(() => document.getElementById('add-member-error').textContent === 'page-bob was added.');
  // member.added reaches bob's page, which lists and joins the room.
  await bob.page.waitForSelector(`${roomButton(`chat:${id}`)}[data-joined]`, { timeout: 15000 });
  await sendFromComposer(alice.page, 'first plan');
  await bob.page.waitForSelector(`${roomButton(`chat:${id}`)}[data-unread="1"]`, { timeout: 15000 });
  // A name already taken is refused with the API's code, on the form.
  await alice.page.type('#create-room-id', id);
  await alice.page.click('#create-room button[type="submit"]');
  await alice.page.waitForFunction(() => document.getElementById('create-room-error').textContent.startsWith('CONFLICT'));
  await alice.page.$eval('#create-room', (form) => form.reset());
  await openRoom(alice.page, rooms.main);
});

scenario('the mentions panel lists a mention, opens its room and marks it read', async () => {
  await openRoom(bob.page, rooms.side);
  await bob.page.click('#toggle-notifications');
  await bob.page.waitForSelector('#notifications-panel:not([hidden]) #notification-list li.unread button');
  assert.equal(await bob.page.$eval('#toggle-notifications', (button) => button.getAttribute('aria-expanded')), 'true');
  await bob.page.click('#notification-list li.unread button');
  await bob.page.waitForFunction((title) => document.getElementById('room-title').textContent === title, {}, rooms.main.replace(/^chat:/, ''));
  assert.equal(await bob.page.$eval('#notifications-panel', (panel) => panel.hidden), true);
  await bob.page.waitForSelector('#notification-count[hidden]');
  // The page hides the count at once and tells the server after: wait (bounded) for the server to have it.
  let unread = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    ({ items: unread } = await rest(podB, tokens.bob, 'GET', '/api/notifications?unread=true'));
    if (unread.length === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(unread.length, 0, 'the mention is read on the server too');
});

scenario('unread counts rise while a room is not looked at, and fall to zero once it is', async () => {
  await openRoom(bob.page, rooms.side);
  for (const text of ['one', 'two', 'three']) await sendFromComposer(bob.page, text);
  await alice.page.waitForSelector(`${roomButton(rooms.side)}[data-unread="3"]`, { timeout: 15000 });

  await openRoom(alice.page, rooms.side);
  await alice.page.waitForSelector(`${roomButton(rooms.side)}[data-unread="0"]`, { timeout: 10000 });
  // The read position reached the server: a fresh room list says so too.
  const deadline = Date.now() + 10000;
  let unread;
  do {
    const { items } = await rest(podB, tokens.alice, 'GET', '/api/rooms');
    unread = items.find((room) => room.room === rooms.side).unread;
  } while (unread !== 0 && Date.now() < deadline && (await new Promise((resolve) => setTimeout(resolve, 200))) === undefined);
  assert.equal(unread, 0);
  await openRoom(alice.page, rooms.main);
  await openRoom(bob.page, rooms.main);
});

scenario('scrolling back loads the history page by page, every message once and in order', async () => {
  await openRoom(alice.page, rooms.history);
  await waitForMessage(alice.page, `h${HISTORY}`);
  assert.equal((await shownMessages(alice.page)).length, 50);
  await alice.page.$eval('#message-scroller', (scroller) => {
    scroller.scrollTop = 0;
  });
  await alice.page.waitForFunction(() => document.querySelectorAll('#messages .message').length === 100, { timeout: 10000 });
  await alice.page.click('#load-older');
  await alice.page.waitForFunction((count) => document.querySelectorAll('#messages .message').length === count, { timeout: 10000 }, HISTORY);
  assert.equal(await alice.page.$eval('#load-older', (button) => button.hidden), true);
  const texts = (await shownMessages(alice.page)).map((message) => message.text);
  assert.deepEqual(texts, Array.from({ length: HISTORY }, (_, i) => `h${i + 1}`));
  await openRoom(alice.page, rooms.main);
});

scenario('accessibility: axe finds no serious or critical violation, and the keyboard alone can send', async () => {
  for (const [name, viewport] of [['desktop', { width: 1200, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    await alice.page.setViewport(viewport);
    await alice.page.addScriptTag({ path: require.resolve('axe-core') });
    const violations = await alice.page.evaluate(async () => {
      const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, [], `${name}: ${violations.join('\n')}`);
  }
  await alice.page.setViewport({ width: 1200, height: 800 });
  // A reload keeps the session (the token was kept for this tab, not left in the address bar)...
  await alice.page.reload();
  await alice.page.waitForSelector('#banner[data-state="connected"]', { timeout: 20000 });
  assert.equal(new URL(alice.page.url()).hash, '');
  await alice.page.waitForSelector('#composer:not([hidden])');
  // ...and from the top, the first Tab stop is the skip link, which leads to the message box.
  await alice.page.keyboard.press('Tab');
  assert.equal(await alice.page.evaluate(() => document.activeElement?.className), 'skip');
  await alice.page.keyboard.press('Enter');
  assert.equal(await alice.page.evaluate(() => document.activeElement?.id), 'composer-text');
  await alice.page.keyboard.type('sent with the keyboard only');
  await alice.page.keyboard.press('Enter');
  await waitForMessage(alice.page, 'sent with the keyboard only');
  await openRoom(alice.page, rooms.main);
});

scenario('where WebSocket upgrades are refused, the page works over Server-Sent Events', async () => {
  const proxy = await startUpgradeBlockingProxy(endpoint(podB));
  try {
    const carol = await openPage(browser, proxy.url, tokens.carol);
    assert.equal(await carol.page.$eval('#banner', (banner) => banner.dataset.transport), 'sse');
    assert.match(await carol.page.$eval('#banner', (banner) => banner.textContent), /Server-Sent Events/);
    assert.ok(proxy.upgradesRefused() >= 2, 'the WebSocket was tried first');
    await openRoom(carol.page, rooms.main);
    await sendFromComposer(carol.page, 'carol here, over SSE');
    await waitForMessage(bob.page, 'carol here, over SSE');
    await sendFromComposer(bob.page, 'welcome carol');
    await waitForMessage(carol.page, 'welcome carol');
    assert.deepEqual(carol.errors, []);
    await carol.context.close();
  } finally {
    proxy.close();
  }
});

scenario('with ?transports=polling the page chats over the REST API alone', async () => {
  const carol = await openPage(browser, podB, tokens.carol, { query: '?transports=polling' });
  assert.equal(await carol.page.$eval('#banner', (banner) => banner.dataset.transport), 'polling');
  await openRoom(carol.page, rooms.main);
  await sendFromComposer(carol.page, 'carol here, polling');
  await waitForMessage(bob.page, 'carol here, polling');
  await sendFromComposer(bob.page, 'polled reply');
  await waitForMessage(carol.page, 'polled reply');
  // What REST cannot carry is refused with the client's code, shown on the page, never silently lost.
  const own = (await shownMessages(carol.page)).find((message) => message.text === 'carol here, polling');
  await carol.page.click(`${messageItem(own.id)} [data-action="pin"]`);
  await carol.page.waitForFunction(() => document.getElementById('room-error').textContent.startsWith('UNSUPPORTED_TRANSPORT'));
  assert.deepEqual(carol.errors, []);
  await carol.context.close();
});

scenario('with ?encryption=on the page chats with every frame sealed, over WebSocket and over Server-Sent Events', async () => {
  const traffic = {};
  const open = (name, base, query) =>
    openPage(browser, base, tokens.carol, { query, beforeLoad: async (page) => (traffic[name] = await recordTraffic(page)) });
  const sealedSocket = await open('websocket', podA, '?encryption=on');
  const sealedStream = await open('sse', podB, '?encryption=on&transports=sse');
  assert.equal(await sealedSocket.page.$eval('#banner', (banner) => banner.dataset.transport), 'websocket');
  assert.equal(await sealedStream.page.$eval('#banner', (banner) => banner.dataset.transport), 'sse');
  await openRoom(sealedSocket.page, rooms.main);
  await openRoom(sealedStream.page, rooms.main);
  await sendFromComposer(sealedSocket.page, 'sealed over a socket');
  await waitForMessage(bob.page, 'sealed over a socket');
  await waitForMessage(sealedStream.page, 'sealed over a socket');
  await sendFromComposer(sealedStream.page, 'sealed over a stream');
  await waitForMessage(sealedSocket.page, 'sealed over a stream');
  await sendFromComposer(bob.page, 'plain to both');
  await waitForMessage(sealedSocket.page, 'plain to both');
  await waitForMessage(sealedStream.page, 'plain to both');

  for (const [name, frames] of Object.entries(traffic)) {
    assert.ok(frames.received.length > 3 && frames.sent.length > 1, `${name}: traffic seen (${frames.received.length} in, ${frames.sent.length} out)`);
    const [connected, ...later] = frames.received.map((text) => JSON.parse(text));
    assert.equal(connected.event, 'connected', name);
    assert.equal(connected.data.encrypted, true, name);
    for (const frame of later) assert.equal(frame.event, 'encrypted', `${name}: ${JSON.stringify(frame).slice(0, 80)}`);
    for (const body of frames.sent) {
      const sent = [JSON.parse(body)].flat();
      for (const frame of sent) assert.equal(frame.event, 'encrypted', `${name} sent ${body.slice(0, 80)}`);
    }
    assert.ok(!frames.received.some((text) => text.includes('sealed over')), `${name}: no text in the clear`);
  }
  assert.deepEqual([...sealedSocket.errors, ...sealedStream.errors], []);
  await sealedSocket.context.close();
  await sealedStream.context.close();
});

scenario('the devices panel lists the user\'s sessions on both pods and logs the other devices out', async () => {
  const elsewhere = await openPage(browser, podB, tokens.alice);
  try {
    await alice.page.click('#toggle-devices');
    await alice.page.waitForFunction(() => document.querySelectorAll('#device-list .device').length >= 2, { timeout: 10000 });
    const own = await alice.page.$$eval('#device-list .device[data-own="true"]', (items) => items.length);
    assert.equal(own, 1, 'this page is marked');
    await alice.page.click('#log-out-others');
    // The other page is closed with 4006 and says so, without reconnecting on its own.
    await elsewhere.page.waitForSelector('#banner[data-state="disconnected"]', { timeout: 10000 });
    assert.match(await elsewhere.page.$eval('#banner', (banner) => banner.textContent), /disconnected/);
    await alice.page.waitForFunction(() => document.querySelectorAll('#device-list .device').length === 1, { timeout: 10000 });
    assert.equal(await alice.page.$eval('#banner', (banner) => banner.dataset.state), 'connected');
    await alice.page.click('#toggle-devices');
    assert.deepEqual([...alice.errors, ...elsewhere.errors], []);
  } finally {
    await elsewhere.context.close();
  }
});

scenario('a pod killed mid-conversation: the page reconnects and shows every message exactly once, in order', async () => {
  const texts = Array.from({ length: 20 }, (_, i) => `burst ${run} ${i + 1}`);
  const killAfter = 8;
  for (const text of texts.slice(0, killAfter)) await sendFromComposer(alice.page, text);
  await waitForMessage(alice.page, texts[killAfter - 1]);

  process.kill(Number(env('ROOMCAST_E2E_POD_A_PID')), 'SIGKILL');
  service.switchTo(endpoint(podB));
  // Sent while the page has no connection: they wait in the client's outbox.
  for (const text of texts.slice(killAfter)) await sendFromComposer(alice.page, text);

  for (const [who, page] of [['alice', alice.page], ['bob', bob.page]]) {
    await page.waitForFunction(
      (prefix, count) =>
        [...document.querySelectorAll('#messages .message:not(.pending) .text')].filter((node) =>
          node.textContent.startsWith(prefix),
        ).length >= count && document.querySelectorAll('#messages .message.pending').length === 0,
      { timeout: 60000 },
      `burst ${run} `,
      texts.length,
    );
    const burst = (await shownMessages(page)).filter((message) => message.text.startsWith(`burst ${run} `));
    assert.deepEqual(
      burst.map((message) => message.text),
      texts,
      `${who}: every message once, in the order sent`,
    );
    const offsets = burst.map((message) => message.offset);
    assert.ok(
      offsets.every((offset, i) => i === 0 || offset > offsets[i - 1]),
      `${who}: offsets increase: ${offsets}`,
    );
  }
  await alice.page.waitForSelector('#banner[data-state="connected"]');
  assert.deepEqual([...alice.errors, ...bob.errors], []);

  await alice.page.screenshot({ path: `${screenshots}/chat-page-after-pod-death.png` });
  await bob.page.setViewport({ width: 390, height: 844 });
  await bob.page.$eval('#message-scroller', (scroller) => {
    scroller.scrollTop = scroller.scrollHeight;
  });
  await bob.page.screenshot({ path: `${screenshots}/chat-page-phone.png` });
});

/**
 * A test whose failure says what the users' pages showed at that moment (banner, room, error lines, messages not
 * acknowledged) and leaves their screenshots in the screenshot directory: a browser test that only says "timed out"
 * cannot be diagnosed after the fact.
 */
function scenario(name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      const shown = {};
      for (const [who, user] of [['alice', alice], ['bob', bob]]) {
        if (!user || user.page.isClosed()) continue;
        shown[who] = await describePage(user.page).catch((cause) => `unreadable: ${cause.message}`);
        await user.page.screenshot({ path: `${screenshots}/failure-${who}.png` }).catch(() => {});
      }
      error.message += `\nthe pages showed: ${JSON.stringify(shown, null, 1)}`;
      throw error;
    }
  });
}

function describePage(page) {
  return page.evaluate(() => {
    const text = (id) => document.getElementById(id)?.textContent ?? null;
    return {
      banner: text('banner'),
      room: text('room-title'),
      errors: ['room-error', 'add-member-error', 'create-room-error'].map(text).filter(Boolean),
      rooms: [...document.querySelectorAll('.room-button')].map((button) => `${button.dataset.room}:${button.dataset.unread}`),
      pending: [...document.querySelectorAll('.message.pending')].map((item) => item.textContent),
      last: [...document.querySelectorAll('#messages .message .text')].slice(-3).map((node) => node.textContent),
    };
  });
}
