// The devices panel: the user's live sessions on every pod (protocol.md 13.4), this page's marked, and "log out other
// devices", which ends every other one with 4006 (their pages show it and do not reconnect on their own).

import { el } from './dom.js';

const TRANSPORTS = { websocket: 'WebSocket', sse: 'Server-Sent Events' };

/**
 * @param {{
 *   api: ReturnType<typeof import('./api.js').createApi>,
 *   me: string,
 *   ownClient: () => string | null,
 *   list: HTMLElement,
 *   logOutOthers: HTMLButtonElement,
 *   error: HTMLElement,
 * }} options
 */
export function createDevices({ api, me, ownClient, list, logOutOthers, error }) {
  /** @type {{client: string}[]} */
  let sessions = [];

  async function refresh() {
    error.textContent = '';
    try {
      sessions = await api.sessions(me);
    } catch (failure) {
      error.textContent = describe(failure);
      return;
    }
    const own = ownClient();
    list.replaceChildren(
      ...sessions.map((session) =>
        el(
          'li',
          { class: 'device', 'data-client': session.client, 'data-own': String(session.client === own) },
          `${TRANSPORTS[session.transport] ?? session.transport} since ${new Date(session.connectedAt).toLocaleTimeString()}`,
          `, ${session.rooms} room${session.rooms === 1 ? '' : 's'}${session.encrypted ? ', encrypted' : ''}`,
          session.client === own ? el('strong', {}, ' (this device)') : '',
        ),
      ),
    );
    logOutOthers.disabled = !sessions.some((session) => session.client !== own);
  }

  async function endOthers() {
    const own = ownClient();
    error.textContent = '';
    for (const session of sessions) {
      if (session.client === own) continue;
      try {
        await api.endSession(me, session.client);
      } catch (failure) {
        // Gone already (closed meanwhile): nothing to end. Anything else is said.
        if (failure?.status !== 404) error.textContent = describe(failure);
      }
    }
    await refresh();
  }

  logOutOthers.addEventListener('click', () => void endOthers());
  return { refresh };
}

/** @param {any} failure */
function describe(failure) {
  return failure?.code ? `${failure.code}: ${failure.message}` : String(failure?.message ?? failure);
}
