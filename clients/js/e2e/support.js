// What the browser suite shares: the pods and tokens ChatPageIT passes in, Debian's Chromium driven by
// puppeteer-core (its path is given: nothing is downloaded), and REST calls that set the scene.
import puppeteer from 'puppeteer-core';

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this suite runs from ChatPageIT (./mvnw verify)`);
  return value;
}

export function endpoint(url) {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

export function launchChromium() {
  return puppeteer.launch({
    executablePath: process.env.ROOMCAST_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/**
 * A user's page in its own browser context (its own storage), token in the URL fragment as an embedding application
 * passes it. Page errors fail the test that reads `errors`. `beforeLoad` runs on the page before it loads (to watch
 * its traffic, say).
 */
export async function openPage(browser, base, token, { query = '', viewport = { width: 1200, height: 800 }, beforeLoad } = {}) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await beforeLoad?.(page);
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => dialog.accept());
  await page.setViewport(viewport);
  await page.goto(`${base}/${query}#token=${token}`);
  await page.waitForSelector('#banner[data-state="connected"]', { timeout: 20000 });
  return { page, errors, context };
}

export async function rest(base, token, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A chat room owned by `owner`, with these members added. */
export async function createRoom(base, ownerToken, name, memberIds) {
  await rest(base, ownerToken, 'POST', '/api/rooms', { room: name, title: name.replace(/^chat:/, '') });
  for (const userId of memberIds) {
    await rest(base, ownerToken, 'PUT', `/api/rooms/${encodeURIComponent(name)}/members/${encodeURIComponent(userId)}`);
  }
}

export const roomButton = (name) => `.room-button[data-room="${name}"]`;

export async function openRoom(page, name) {
  await page.waitForSelector(roomButton(name), { timeout: 15000 });
  await page.click(roomButton(name));
  await page.waitForFunction((title) => document.getElementById('room-title').textContent === title, {}, name.replace(/^chat:/, ''));
}

/** The messages the page shows (acknowledged ones, not "sending…"), in page order. */
export function shownMessages(page) {
  return page.$$eval('#messages .message:not(.pending)', (items) =>
    items.map((item) => ({
      id: item.dataset.id,
      offset: Number(item.dataset.offset),
      user: item.dataset.user,
      text: item.querySelector('.text')?.textContent ?? '',
    })),
  );
}

export async function waitForMessage(page, text, timeout = 15000) {
  await page.waitForFunction(
    (wanted) => [...document.querySelectorAll('#messages .message:not(.pending) .text')].some((node) => node.textContent === wanted),
    { timeout },
    text,
  );
  return (await shownMessages(page)).find((message) => message.text === text);
}

/** Types into the composer as a user does and presses Enter. */
export async function sendFromComposer(page, text) {
  await page.click('#composer-text');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

export const messageItem = (id) => `#messages .message[data-id="${id}"]`;

/**
 * Every WebSocket frame and SSE message the page sends and receives, as DevTools sees them on the wire (the
 * payloads the page's own code never touches): call before the page loads.
 */
export async function recordTraffic(page) {
  const frames = { received: [], sent: [] };
  const devtools = await page.createCDPSession();
  await devtools.send('Network.enable');
  devtools.on('Network.webSocketFrameReceived', ({ response }) => frames.received.push(response.payloadData));
  devtools.on('Network.webSocketFrameSent', ({ response }) => frames.sent.push(response.payloadData));
  devtools.on('Network.eventSourceMessageReceived', ({ data }) => frames.received.push(data));
  devtools.on('Network.requestWillBeSent', ({ request }) => {
    if (request.method === 'POST' && /\/sse\//.test(request.url)) frames.sent.push(request.postData ?? '');
  });
  return frames;
}
