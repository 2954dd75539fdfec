// Typing is ephemeral state (protocol.md 5.2): shown for what others say they are doing, expired by the page itself,
// and sent sparingly, because `typing` has its own small rate limit (protocol.md 2.6).

/** Clients expire a typing indicator after 8 s (protocol.md 5.2). */
const EXPIRY_MS = 8000;
/** While the user types, `typing: true` is sent at most this often... */
const REPEAT_MS = 3000;
/** ...and `typing: false` after this long without a key. */
const IDLE_MS = 4000;

/** Who is typing where, as others announced it. */
export class TypingIndicators {
  /** @type {Map<string, Map<string, number>>} room -> userId -> expiry (ms) */
  #rooms = new Map();

  /** Applies a `typing` event; true when what the room shows changed. */
  set(room, userId, isTyping) {
    let users = this.#rooms.get(room);
    if (!users) this.#rooms.set(room, (users = new Map()));
    if (isTyping) {
      const shown = users.has(userId);
      users.set(userId, Date.now() + EXPIRY_MS);
      return !shown;
    }
    return users.delete(userId);
  }

  /** Drops indicators past their expiry; true when any was dropped. */
  expire() {
    const now = Date.now();
    let dropped = false;
    for (const users of this.#rooms.values()) {
      for (const [userId, until] of users) {
        if (until <= now) dropped = users.delete(userId) || dropped;
      }
    }
    return dropped;
  }

  /** "bob is typing…", or empty. */
  text(room) {
    const users = [...(this.#rooms.get(room)?.keys() ?? [])];
    if (users.length === 0) return '';
    return users.length === 1 ? `${users[0]} is typing…` : `${users.join(', ')} are typing…`;
  }
}

/** Sends this user's typing for the composer's room. `send(room, isTyping)` may drop it while offline. */
export class TypingSender {
  #send;
  #sentAt = 0;
  #room = null;
  #idle = null;

  constructor(send) {
    this.#send = send;
  }

  /** A key in the composer. */
  input(room) {
    const now = Date.now();
    if (this.#room !== room || now - this.#sentAt > REPEAT_MS) {
      this.#send(room, true);
      this.#sentAt = now;
      this.#room = room;
    }
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.stop(), IDLE_MS);
  }

  /**
   * The message went out: no `typing: false`, since the message itself ends the indicator on the other pages and
   * the rate limit is better spent on the next message.
   */
  sent() {
    clearTimeout(this.#idle);
    this.#sentAt = 0;
    this.#room = null;
  }

  /** The user stopped (idle, left the box or the room). */
  stop() {
    clearTimeout(this.#idle);
    if (this.#room === null) return;
    this.#send(this.#room, false);
    this.#sentAt = 0;
    this.#room = null;
  }
}
