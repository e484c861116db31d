import { CALL_EVENT_NAMES } from '../../engine/call-event-names.js';
import { KeptForTaker } from '../../engine/kept-for-taker.js';
import { PHONE_EVENT_NAMES } from '../../engine/phone-event-names.js';
import type { CallEventMap, CallHandle, PhoneEventMap, Unsubscribe } from '../../engine/types.js';
import { CALL_EVENTS } from './controllers/call-events.js';
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
   * Taken by its element ({@link EarlyPhone.takeRecorded}) or stopped
   * ({@link EarlyPhone.stop}): the core does nothing more with it.
   */
  readonly released: boolean;
  /** Stops it: its element will not use it. */
  stop(): Promise<void>;
  /**
   * What the phone and its calls said before the element listened, oldest first; the phone
   * is the element's from then on (nothing more is recorded).
   */
  takeRecorded(): Recorded;
}

/** What a phone started early said before its element listened. */
export interface Recorded {
  readonly phone: RecordedEvent<PhoneEventMap>[];
  /** Each call's own events (a call placed at a click the core took, an incoming one). */
  readonly calls: ReadonlyMap<CallHandle, RecordedEvent<CallEventMap>[]>;
}

/**
 * One event of a phone or a call, as it was sent; `dispatched` when it reached the page
 * already, as its DOM event on the element (engine-events.ts, call-events.ts).
 */
export type RecordedEvent<Events> = {
  [K in keyof Events]: { name: K; payload: Events[K]; dispatched: boolean };
}[keyof Events];

/** What an element does on each event of its phone, or of a call. */
export type Handlers<Events> = {
  [K in keyof Events]?: (payload: Events[K]) => void;
};

export type PhoneHandlers = Handlers<PhoneEventMap>;

/** Hands a recorded event to its handler, as the phone or the call would have. */
export function replay<Events>(handlers: Handlers<Events>, event: RecordedEvent<Events>): void {
  // `name` and `payload` belong together (RecordedEvent), which TypeScript cannot follow.
  const handler = handlers[event.name] as ((payload: typeof event.payload) => void) | undefined;
  handler?.(event.payload);
}

/**
 * Subscribes to every event of `source` (`names`), recording each into `into` and
 * dispatching on the element those that `dispatch` has, as it comes.
 */
function record<Events>(
  source: {
    on<K extends keyof Events>(name: K, handler: (payload: Events[K]) => void): Unsubscribe;
  },
  names: readonly (keyof Events)[],
  dispatch: Handlers<Events>,
  into: RecordedEvent<Events>[],
): Unsubscribe[] {
  return names.map((name) =>
    source.on(name, (payload) => {
      const event = { name, payload, dispatched: name in dispatch } as RecordedEvent<Events>;
      into.push(event);
      replay(dispatch, event);
    }),
  );
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
      (taken) => taken?.stop(),
      () => undefined,
    ),
);

/**
 * Records `phone`'s events, and those of each call it makes or receives, until its element
 * takes it, and begins it. The events a page hears from the element (its registration, an
 * incoming call, a call's states…) are dispatched on `host` as they come, as the element
 * would: a page waiting for `registered` does not wait for the element's module.
 * @param key the checked configuration, as the element's controller keys it
 * @param begin `start` or `prepare`, as the element would
 */
export function startRecorded(
  phone: PhoneApi,
  key: string,
  host: Element,
  begin: EarlyPhone['begun'] = 'start',
): EarlyPhone {
  const recorded: RecordedEvent<PhoneEventMap>[] = [];
  const calls = new Map<CallHandle, RecordedEvent<CallEventMap>[]>();
  const dispatch = forwardingHandlers(host, phone, PHONE_EVENTS);
  const subscriptions = [
    ...record(phone, PHONE_EVENT_NAMES, dispatch, recorded),
    phone.on('call', ({ call }) => {
      const events: RecordedEvent<CallEventMap>[] = [];
      calls.set(call, events);
      subscriptions.push(
        ...record(call, CALL_EVENT_NAMES, forwardingHandlers(host, call, CALL_EVENTS), events),
      );
    }),
  ];
  let released = false;
  const release = (): void => {
    released = true;
    for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
  };
  const started = phone[begin]();
  // Reported by the element once it takes the phone; one that never comes has nothing to say.
  started.catch(() => undefined);
  return {
    phone,
    key,
    begun: begin,
    started,
    get released() {
      return released;
    },
    stop() {
      // Its calls end as it stops: the page that heard them begin hears that too.
      const stopped = phone.stop();
      release();
      return stopped;
    },
    takeRecorded() {
      release();
      return { phone: recorded.splice(0), calls };
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
