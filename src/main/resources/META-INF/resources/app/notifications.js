// The mentions panel: stored notifications from the REST API (protocol.md 8.5), refreshed when a live `notification`
// arrives (it is also stored, so offline users see it later), and marked read when opened.

import { el, shortTime } from './dom.js';

/**
 * @param {{api: object, list: HTMLElement, badge: HTMLElement, button: HTMLElement,
 *          open: (notification: object) => void}} parts
 */
export function createNotifications({ api, list, badge, button, open }) {
  let items = [];

  function render() {
    const unread = items.filter((notification) => !notification.read).length;
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    button.setAttribute('aria-label', `Mentions, ${unread} unread`);
    list.replaceChildren(
      ...(items.length === 0 ? [el('li', { class: 'note' }, 'No mentions yet.')] : []),
      ...items.map((notification) =>
        el(
          'li',
          { class: notification.read ? 'read' : 'unread' },
          el(
            'button',
            { class: 'link', onclick: () => select(notification) },
            `${notification.from} mentioned you in ${notification.room.replace(/^chat:/, '')}`,
          ),
          ' ',
          el('time', { datetime: notification.createdAt }, shortTime(notification.createdAt)),
        ),
      ),
    );
  }

  function select(notification) {
    open(notification);
    if (notification.read) return;
    notification.read = true;
    render();
    api.markNotificationRead(notification.id).catch((error) => console.warn('notification:', error.code));
  }

  return {
    /** Reloads the list; `live` is the notification that just arrived, announced to screen readers. */
    async refresh(live) {
      if (live) announce(`${live.from} mentioned you`);
      try {
        items = await api.notifications();
      } catch (error) {
        console.warn('notifications:', error.code, error.message);
      }
      render();
    },
  };
}

function announce(text) {
  const alert = el('p', { class: 'visually-hidden', role: 'alert' }, text);
  document.body.append(alert);
  setTimeout(() => alert.remove(), 5000);
}
