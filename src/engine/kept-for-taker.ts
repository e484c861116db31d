/**
 * What the script-tag core starts before the engine is in (issue 16): the credentials
 * request, the WebSocket to the SBC, the microphone at a click. Each is kept for the engine
 * part that takes it, and released when nobody has taken it in time: a taker must never get
 * something started long before (credentials minted minutes ago, a socket the server may
 * have dropped), and nothing held (an open microphone lights the recording indicator)
 * outlives the intent that asked for it.
 *
 * Without imports, so it can sit in the core beside the modules that use it.
 */
export class KeptForTaker<Key, Value> {
  readonly #kept = new Map<Key, { value: Value; timer: ReturnType<typeof setTimeout> }>();
  readonly #keptMs: number;
  readonly #release: (value: Value) => void;

  /** `release` lets go of a value nobody took (closes it, stops it). */
  constructor(keptMs: number, release: (value: Value) => void) {
    this.#keptMs = keptMs;
    this.#release = release;
  }

  has(key: Key): boolean {
    return this.#kept.has(key);
  }

  /** The value kept for `key`, left for its taker. */
  peek(key: Key): Value | undefined {
    return this.#kept.get(key)?.value;
  }

  /** Keep `value` for its taker; released after `keptMs` if nobody took it. */
  keep(key: Key, value: Value, keptMs = this.#keptMs): void {
    this.drop(key);
    const timer = setTimeout(() => this.drop(key), keptMs);
    this.#kept.set(key, { value, timer });
  }

  /** The value kept for `key`, now the taker's: it is no longer released here. */
  take(key: Key): Value | undefined {
    const kept = this.#kept.get(key);
    if (!kept) return undefined;
    this.#kept.delete(key);
    clearTimeout(kept.timer);
    return kept.value;
  }

  /** Release the value kept for `key` now: its taker will not come. */
  drop(key: Key): void {
    const kept = this.#kept.get(key);
    if (!kept) return;
    this.#kept.delete(key);
    clearTimeout(kept.timer);
    this.#release(kept.value);
  }
}
