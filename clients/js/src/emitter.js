/**
 * A minimal listener registry. A throwing listener must neither stop the other listeners nor
 * break the connection state machine that emitted the event, so its exception is re-thrown on a
 * fresh microtask, where the host reports it as uncaught (as EventTarget does).
 */
export class Emitter {
  /** @type {Map<string, Set<Function>>} */
  #listeners = new Map();

  /**
   * @param {string} event
   * @param {Function} fn
   * @returns {() => void} unsubscribe
   */
  on(event, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  /**
   * @param {string} event
   * @param {...unknown} args
   */
  emit(event, ...args) {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    // A copy, so that listeners may unsubscribe (or subscribe) while being called.
    for (const fn of [...set]) {
      try {
        fn(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
