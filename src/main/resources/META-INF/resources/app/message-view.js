// How one message looks: author, time, text with mentions, edit and pin marks, reaction counts and the actions a
// user may take on it. Pure rendering: what the buttons do is the controller's (`handlers`).

import { el, shortTime, textWithMentions } from './dom.js';

const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'];

/**
 * @param {{
 *   me: () => string, admin: () => boolean, isEditing: (messageId: string) => boolean,
 *   reacted: (messageId: string, emoji: string) => boolean,
 *   react: (message: object, emoji: string) => void, openThread: (messageId: string) => void,
 *   togglePin: (message: object) => void, startEdit: (messageId: string) => void,
 *   saveEdit: (message: object, text: string) => Promise<boolean>, cancelEdit: (message: object) => void,
 *   draft: () => string | null, keepDraft: (text: string) => void,
 *   remove: (message: object) => void, retry: (clientMsgId: string) => void, discard: (clientMsgId: string) => void,
 * }} handlers
 */
export function createMessageView(handlers) {
  function message(shown, { inThread = false } = {}) {
    const mine = shown.userId === handlers.me();
    const editing = handlers.isEditing(shown.id);
    return el(
      'li',
      {
        class: `message${mine ? ' mine' : ''}${shown.deleted ? ' deleted' : ''}${shown.pinned ? ' is-pinned' : ''}`,
        'data-id': shown.id,
        'data-offset': shown.offset,
        'data-user': shown.userId,
        tabindex: '-1',
      },
      el(
        'div',
        { class: 'meta' },
        el('span', { class: 'author' }, shown.userId),
        el('time', { datetime: shown.createdAt }, shortTime(shown.createdAt)),
        shown.editedAt && !shown.deleted ? el('span', { class: 'note' }, '(edited)') : null,
        shown.pinned ? el('span', { class: 'note pin' }, 'pinned') : null,
      ),
      editing
        ? editForm(shown)
        : el('p', { class: 'text' }, shown.deleted ? 'This message was deleted.' : textWithMentions(shown.text, handlers.me())),
      reactions(shown),
      !inThread && shown.replyCount > 0 ? threadLink(shown) : null,
      shown.deleted || editing ? null : actions(shown, { mine, inThread }),
    );
  }

  /** A thread's size stays in sight; the way to start one is among the actions. */
  function threadLink(shown) {
    const replies = shown.replyCount;
    return el(
      'button',
      { class: 'link replies', 'data-action': 'thread', onclick: () => handlers.openThread(shown.id) },
      `${replies} ${replies === 1 ? 'reply' : 'replies'}`,
    );
  }

  function reactions(shown) {
    const counted = Object.entries(shown.reactions ?? {}).filter(([, count]) => count > 0);
    if (counted.length === 0) return null;
    return el(
      'div',
      { class: 'reactions' },
      counted.map(([emoji, count]) => {
        const mine = handlers.reacted(shown.id, emoji);
        return el(
          'button',
          {
            class: `reaction${mine ? ' mine' : ''}`,
            'data-action': 'reaction',
            'data-emoji': emoji,
            'aria-label': `${emoji} ${count}, toggle your reaction`,
            'aria-pressed': String(mine),
            onclick: () => handlers.react(shown, emoji),
          },
          `${emoji} ${count}`,
        );
      }),
    );
  }

  function actions(shown, { mine, inThread }) {
    const replies = shown.replyCount ?? 0;
    return el(
      'div',
      { class: 'actions' },
      QUICK_REACTIONS.map((emoji) =>
        el(
          'button',
          {
            class: 'icon',
            'data-action': 'react',
            'data-emoji': emoji,
            'aria-label': `React with ${emoji}`,
            onclick: () => handlers.react(shown, emoji),
          },
          emoji,
        ),
      ),
      inThread || replies > 0
        ? null
        : el('button', { class: 'link', 'data-action': 'thread', onclick: () => handlers.openThread(shown.id) }, 'Reply in thread'),
      el('button', { class: 'link', 'data-action': 'pin', onclick: () => handlers.togglePin(shown) }, shown.pinned ? 'Unpin' : 'Pin'),
      mine ? el('button', { class: 'link', 'data-action': 'edit', onclick: () => handlers.startEdit(shown.id) }, 'Edit') : null,
      mine || handlers.admin()
        ? el('button', { class: 'link danger', 'data-action': 'delete', onclick: () => handlers.remove(shown) }, 'Delete')
        : null,
    );
  }

  function editForm(shown) {
    const input = el('textarea', { 'aria-label': 'Edit message', rows: '2', maxlength: '4000' });
    // The draft survives the form being rebuilt (a reaction or a reply count arriving meanwhile).
    input.value = handlers.draft() ?? shown.text;
    input.addEventListener('input', () => handlers.keepDraft(input.value));
    queueMicrotask(() => input.focus());
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') handlers.cancelEdit(shown);
    });
    return el(
      'form',
      {
        class: 'edit',
        onsubmit: async (event) => {
          event.preventDefault();
          if (await handlers.saveEdit(shown, input.value)) handlers.cancelEdit(shown);
        },
      },
      input,
      el('button', { type: 'submit' }, 'Save'),
      el('button', { type: 'button', class: 'link', onclick: () => handlers.cancelEdit(shown) }, 'Cancel'),
    );
  }

  /** A message sent and not acknowledged yet: "sending…", or refused with a way to retry or drop it. */
  function pending(clientMsgId, { text, failed }) {
    return el(
      'li',
      { class: `message mine pending${failed ? ' failed' : ''}`, 'data-client-msg-id': clientMsgId },
      el(
        'div',
        { class: 'meta' },
        el('span', { class: 'author' }, handlers.me()),
        el('span', { class: 'note' }, failed ? `not sent: ${failed}` : 'sending…'),
      ),
      el('p', { class: 'text' }, textWithMentions(text, handlers.me())),
      failed
        ? el(
            'div',
            { class: 'actions visible' },
            el('button', { class: 'link', onclick: () => handlers.retry(clientMsgId) }, 'Retry'),
            el('button', { class: 'link', onclick: () => handlers.discard(clientMsgId) }, 'Discard'),
          )
        : null,
    );
  }

  /** The pinned messages of the room, each a button that moves the focus to it. */
  function pinnedBar(bar, messages) {
    const pinned = messages.filter((shown) => shown.pinned && !shown.deleted);
    bar.hidden = pinned.length === 0;
    bar.replaceChildren(
      el('span', { class: 'note' }, 'Pinned:'),
      ...pinned.map((shown) =>
        el(
          'button',
          { class: 'link', onclick: () => document.querySelector(`#messages [data-id="${CSS.escape(shown.id)}"]`)?.focus() },
          `${shown.userId}: ${shown.text.slice(0, 60)}`,
        ),
      ),
    );
  }

  return { message, pending, pinnedBar };
}
