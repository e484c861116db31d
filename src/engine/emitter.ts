import { defaultLogger, type Logger } from './log';
import type { Unsubscribe } from './types';

type Handler<P> = (payload: P) => void;

/**
 * Minimal typed event emitter. A handler that throws is logged (`error`) and
 * does not stop the other handlers nor the engine code that emitted the event: host
 * pages subscribe with their own code, and one bug there must not break a call.
 */
export class Emitter<M extends object> {
  private readonly handlers = new Map<keyof M, Set<Handler<never>>>();

  /** @param log where a handler's failure is told; a function, as the owner may set its log later */
  constructor(private readonly log: () => Logger = () => defaultLogger) {}

  /** Subscribe to `event`; returns a function that unsubscribes. */
  on<K extends keyof M>(event: K, handler: Handler<M[K]>): Unsubscribe {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as Handler<never>);
    return () => {
      set.delete(handler as Handler<never>);
    };
  }

  /** Call every handler of `event` with `payload`, isolating failures. */
  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<M[K]>)(payload);
      } catch (error) {
        this.log().error(`a '${String(event)}' event handler threw`, { error });
      }
    }
  }
}
