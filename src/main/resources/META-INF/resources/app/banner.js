// The connection banner: the client's state and the transport in use, in words (role=status, announced politely).

import { el } from './dom.js';

const TRANSPORT_NAMES = { websocket: 'WebSocket', sse: 'Server-Sent Events', polling: 'polling' };

/**
 * @param {HTMLElement} banner
 * @param {'connecting' | 'connected' | 'reconnecting' | 'disconnected'} connection
 * @param {string | null} transport
 * @param {{code?: number, reason?: string, delayMs?: number}} detail the client's `state` event detail
 * @param {() => void} reconnect
 */
export function renderBanner(banner, connection, transport, detail, reconnect) {
  banner.dataset.state = connection;
  banner.dataset.transport = transport ?? '';
  const over = transport ? ` over ${TRANSPORT_NAMES[transport] ?? transport}` : '';
  if (connection === 'connected') banner.replaceChildren(`Connected${over}`);
  else if (connection === 'connecting') banner.replaceChildren(`Connecting${over}…`);
  else if (connection === 'reconnecting') {
    const seconds = Math.ceil((detail.delayMs ?? 0) / 1000);
    const code = detail.code ? ` (${detail.code})` : '';
    banner.replaceChildren(`Connection lost${code}; reconnecting${seconds ? ` in ${seconds} s` : ''}…`);
  } else {
    banner.replaceChildren(
      `Disconnected${detail.reason ? `: ${detail.reason}` : ''} `,
      el('button', { class: 'link', onclick: reconnect }, 'Reconnect'),
    );
  }
}
