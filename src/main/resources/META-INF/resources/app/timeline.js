// One room's messages as the page knows them: a window of the history, kept sorted by offset, merged from REST pages
// (older ones as the user scrolls back) and live events, with every message once whatever path brought it.

export class Timeline {
  /** @type {Map<string, object>} message id -> the complete message (protocol.md 5.1) */
  #byId = new Map();
  #sorted = null;
  /** Older messages exist before the first one held. */
  hasOlder = true;
  /** The latest page was loaded: live events can be shown without a gap. */
  loaded = false;
  /** A page of older messages is being fetched. */
  loadingOlder = false;

  /**
   * Adds a message the timeline does not hold yet: REST pages, thread pages, acks and `message.created` all describe
   * a message as it was at some moment, and the held copy is never older than any of them (live events keep it
   * current), so a copy that arrives late must not undo an edit, a delete, a reaction or a pin.
   */
  add(message) {
    if (this.#byId.has(message.id)) return false;
    this.#byId.set(message.id, message);
    this.#sorted = null;
    return true;
  }

  /**
   * Applies a live change to a held message; false when it is not held. A message outside the window is left out:
   * inserting it would open a gap that history paging (`firstOffset`) could not close.
   */
  patch(messageId, change) {
    const held = this.#byId.get(messageId);
    if (!held) return false;
    this.#byId.set(messageId, { ...held, ...change(held) });
    this.#sorted = null;
    return true;
  }

  get(messageId) {
    return this.#byId.get(messageId);
  }

  /** Top-level messages (thread replies live in their thread), ascending by offset. */
  topLevel() {
    return this.all().filter((message) => !message.threadId);
  }

  replies(threadId) {
    return this.all().filter((message) => message.threadId === threadId);
  }

  all() {
    this.#sorted ??= [...this.#byId.values()].sort((a, b) => a.offset - b.offset);
    return this.#sorted;
  }

  get firstOffset() {
    return this.all()[0]?.offset ?? null;
  }

  get lastOffset() {
    const all = this.all();
    return all.length ? all[all.length - 1].offset : 0;
  }

  /** Keeps the newest `max` messages: a room nobody looks at must not grow without end. */
  trimTo(max) {
    const all = this.all();
    if (all.length <= max) return;
    for (const message of all.slice(0, all.length - max)) this.#byId.delete(message.id);
    this.#sorted = null;
    this.hasOlder = true;
  }

  clear() {
    this.#byId.clear();
    this.#sorted = null;
    this.hasOlder = true;
    this.loaded = false;
  }
}
