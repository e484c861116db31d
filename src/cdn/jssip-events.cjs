/**
 * Stands in for the `events` package (Node's EventEmitter for browsers) in the script-tag
 * build: JsSIP's UA, sessions and transactions extend it and use only `on`, `once`,
 * `emit`, `removeListener` and `listeners`, as the engine does (src/engine). Same
 * behaviour for those (proven against the package by jssip-events.test.ts): listeners run
 * in the order added, on a copy of the list, so one that removes another does not skip it;
 * `once` runs at most once and is removed by the listener it wraps; an `error` with no
 * listener throws. Node's extras (`newListener`, the leak warning) are left out.
 */
class EventEmitter {
  /** @type {Map<string | symbol, Function[]>} */
  #listeners = new Map();

  on(name, listener) {
    const list = this.#listeners.get(name);
    if (list) list.push(listener);
    else this.#listeners.set(name, [listener]);
    return this;
  }

  once(name, listener) {
    let fired = false;
    const wrapper = (...args) => {
      this.removeListener(name, wrapper);
      // An emit of the same event from an earlier listener already ran it.
      if (fired) return;
      fired = true;
      listener.apply(this, args);
    };
    wrapper.listener = listener;
    return this.on(name, wrapper);
  }

  /** Removes the last one added, as Node does when a listener was added twice. */
  removeListener(name, listener) {
    const list = this.#listeners.get(name);
    const index = list?.findLastIndex((each) => each === listener || each.listener === listener);
    if (index === undefined || index < 0) return this;
    list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(name);
    return this;
  }

  removeAllListeners(name) {
    if (name === undefined) this.#listeners.clear();
    else this.#listeners.delete(name);
    return this;
  }

  emit(name, ...args) {
    const list = this.#listeners.get(name);
    if (!list) {
      if (name === 'error') {
        throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`);
      }
      return false;
    }
    for (const listener of [...list]) listener.apply(this, args);
    return true;
  }

  listeners(name) {
    return (this.#listeners.get(name) ?? []).map((each) => each.listener ?? each);
  }

  listenerCount(name) {
    return this.#listeners.get(name)?.length ?? 0;
  }
}

EventEmitter.prototype.addListener = EventEmitter.prototype.on;
EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

module.exports = { EventEmitter };
