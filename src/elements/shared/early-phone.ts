import { KeptForTaker } from '../../engine/kept-for-taker.js';
import { PHONE_EVENT_NAMES } from '../../engine/phone-event-names.js';
import type { PhoneEventMap, Unsubscribe } from '../../engine/types.js';
import { forwardingHandlers, PHONE_EVENTS } from './controllers/engine-events.js';
import type { PhoneApi } from './engine-api.js';

/**
 * A phone the script-tag core started for an element before the element's own module
 * (Lit, the element) was in (src/cdn/early-phone.ts): an agent's `<sip-phone>` then
 * registers as soon as the engine is, not after the element has upgraded and rendered
 * (issue 16, "registered ≤ 1.0× the minimal JsSIP page").
 */
export interface EarlyPhone {
  readonly phone: PhoneApi;
  /** The checked configuration it was made with, as the element's controller keys it. */
  readonly key: string;
  /** How it began: `start()` registers, `prepare()` only connects (the element's choice). */
  readonly begun: 'start' | 'prepare';
  /** That beginning, for the element to report as it reports its own phone's. */
  readonly started: Promise<void>;
  /**
   * What the phone said before the element listened, oldest first; the phone is the
   * element's from then on (nothing more is recorded).
   */
  takeRecorded(): RecordedEvent[];
}

/**
 * One event of the phone, as it was sent; `dispatched` when it reached the page already,
 * as its DOM event on the element (engine-events.ts, `PHONE_EVENTS`).
 */
export type RecordedEvent = {
  [K in keyof PhoneEventMap]: { name: K; payload: PhoneEventMap[K]; dispatched: boolean };
}[keyof PhoneEventMap];

/** What an element does on each event of its phone. */
export type PhoneHandlers = {
  [K in keyof PhoneEventMap]?: (payload: PhoneEventMap[K]) => void;
};

/** Hands a recorded event to its handler, as the phone would have. */
export function replay(handlers: PhoneHandlers, event: RecordedEvent): void {
  // `name` and `payload` belong together (RecordedEvent), which TypeScript cannot follow.
  const handler = handlers[event.name] as ((payload: RecordedEvent['payload']) => void) | undefined;
  handler?.(event.payload);
}

/**
 * How long a phone started early waits for its element. The element's module comes in the
 * same round of downloads as the engine; one that never comes (it failed to load, the page
 * removed the element) must not leave a registration behind.
 */
export const EARLY_PHONE_KEPT_MS = 10_000;

const kept = new KeptForTaker<Element, Promise<EarlyPhone | undefined>>(
  EARLY_PHONE_KEPT_MS,
  (early) =>
    void early.then(
      (taken) => taken?.phone.stop(),
      () => undefined,
    ),
);

/**
 * Records `phone`'s events until its element takes it, and begins it. The events a page
 * hears from the element (its registration, an incoming call…) are dispatched on `host`
 * as they come, as the element would: a page waiting for `registered` does not wait for
 * the element's module.
 * @param key the checked configuration, as the element's controller keys it
 * @param begin `start` or `prepare`, as the element would
 */
export function startRecorded(
  phone: PhoneApi,
  key: string,
  host: Element,
  begin: EarlyPhone['begun'] = 'start',
): EarlyPhone {
  const recorded: RecordedEvent[] = [];
  const dispatch: PhoneHandlers = forwardingHandlers(host, phone, PHONE_EVENTS);
  const subscriptions: Unsubscribe[] = PHONE_EVENT_NAMES.map((name) =>
    phone.on(name, (payload) => {
      const event = { name, payload, dispatched: name in dispatch } as RecordedEvent;
      recorded.push(event);
      replay(dispatch, event);
    }),
  );
  const started = phone[begin]();
  // Reported by the element once it takes the phone; one that never comes has nothing to say.
  started.catch(() => undefined);
  return {
    phone,
    key,
    begun: begin,
    started,
    takeRecorded() {
      for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
      return recorded.splice(0);
    },
  };
}

/**
 * Keeps the phone being started for `element` (a promise from the moment the core decided
 * to start one, so that the element never starts a second phone beside it); `undefined`
 * when the core found it should not start one after all.
 */
export function keepEarlyPhone(element: Element, early: Promise<EarlyPhone | undefined>): void {
  // A failure (the engine did not load) is the taker's to report; one never taken, nobody's.
  early.catch(() => undefined);
  kept.keep(element, early);
}

/** The phone started early for `element`, now the element's; undefined if there is none. */
export function takeEarlyPhone(element: Element): Promise<EarlyPhone | undefined> | undefined {
  return kept.take(element);
}

/** Stops the phone started early for `element`: its element will not use it. */
export function dropEarlyPhone(element: Element): void {
  kept.drop(element);
}
