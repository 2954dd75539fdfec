// Builds DOM nodes from data. Text always goes through text nodes, never HTML, so nothing a user types can become
// markup on another user's page.

/**
 * `el('button', {class: 'x', onclick: fn, 'aria-label': 'Close'}, 'text', child)`: attributes starting with `on`
 * are listeners, `false`/`null` attributes are left out, strings among the children become text nodes.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/** The protocol's mention rule (protocol.md 5.5): `@id` at the start or after whitespace; a trailing dot is punctuation. */
const MENTION = /(^|\s)@([A-Za-z0-9_.-]*[A-Za-z0-9_-])/g;

/** Message text with its mentions marked, as nodes. */
export function textWithMentions(text, me) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const start = match.index + match[1].length;
    parts.push(text.slice(last, start));
    const userId = match[2];
    parts.push(el('span', { class: userId === me ? 'mention mention-me' : 'mention' }, `@${userId}`));
    last = start + 1 + userId.length;
  }
  parts.push(text.slice(last));
  return parts.filter((part) => part !== '');
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function shortTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

/** `chat:team` shows as `team`: the namespace is always chat on this page. */
export function roomLabel(room) {
  return room.title || room.room.replace(/^chat:/, '');
}

/**
 * A list whose items are rebuilt only when they change: `update([{key, deps, render, patch?}])` keeps the node of every
 * item whose `deps` (compared one by one) are the same as last time, updates it in place with `patch(node)` when it
 * has one, moves nodes only where the order changed, and removes the rest. Rebuilding every item on every event would take the keyboard focus away from a user in the
 * middle of the list (and the node from under a click); when an item that holds the focus is rebuilt, the focus moves
 * to the same control (same `data-action` and label) in its new node.
 */
export function keyedList(parent) {
  /** @type {Map<string, {deps: unknown[], node: Element}>} */
  let held = new Map();
  return function update(items) {
    const next = new Map();
    const nodes = items.map(({ key, deps, render, patch }) => {
      const before = held.get(key);
      if (before && sameDeps(before.deps, deps)) {
        next.set(key, before);
        return before.node;
      }
      if (before && patch) {
        patch(before.node);
        next.set(key, { deps, node: before.node });
        return before.node;
      }
      const node = render();
      if (before) keepFocus(before.node, node);
      next.set(key, { deps, node });
      return node;
    });
    nodes.forEach((node, index) => {
      if (parent.children[index] !== node) parent.insertBefore(node, parent.children[index] ?? null);
    });
    while (parent.children.length > nodes.length) parent.lastElementChild.remove();
    held = next;
  };
}

function sameDeps(a, b) {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

function keepFocus(oldNode, newNode) {
  const focused = document.activeElement;
  if (!focused || !oldNode.contains(focused)) return;
  const sameControl = (candidate) =>
    ['data-action', 'data-emoji'].every((name) => candidate.getAttribute(name) === focused.getAttribute(name));
  const controls = [...newNode.querySelectorAll('button, textarea, input')];
  const target =
    controls.find(sameControl) ?? (newNode.hasAttribute('tabindex') ? newNode : controls[0]) ?? null;
  queueMicrotask(() => target?.focus());
}
