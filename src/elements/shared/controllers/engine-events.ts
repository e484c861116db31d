import type { PhoneEventMap, Unsubscribe } from '../../../engine/types.js';
import type { PhoneApi } from '../engine-api.js';
import { emit, type SipEventDetails, type SipEventName } from '../events.js';

/** Dispatches one engine event on the element as its DOM event. */
type Forward<Payload, Source> = (host: EventTarget, payload: Payload, source: Source) => void;

/** For each engine event re-dispatched on the element, how. */
export type ForwardTable<Events, Source> = {
  readonly [K in keyof Events]?: Forward<Events[K], Source>;
};

export function as<Name extends SipEventName, Payload, Source>(
  name: Name,
  detail: (payload: Payload, source: Source) => SipEventDetails[Name],
): Forward<Payload, Source> {
  return (host, payload, source) => emit(host, name, detail(payload, source));
}

/**
 * The phone's events that reach the page as DOM events. (`sip-error` is not a plain
 * re-dispatch: the controller announces each error once, and configuration errors too.)
 */
export const PHONE_EVENTS: ForwardTable<PhoneEventMap, PhoneApi> = {
  registration: as('sip-registration-change', (change) => change),
  incoming: as('sip-incoming-call', ({ call }) => ({ call })),
  availability: as('sip-availability-change', (change) => change),
  'tab-role': as('sip-tab-role-change', (change) => change),
};

/** The element's own work on a forwarded event: before the page hears of it, and after. */
export interface Around<Payload> {
  before?(payload: Payload): void;
  after?(payload: Payload): void;
}

interface EventSource<Events> {
  on<K extends keyof Events>(event: K, handler: (payload: Events[K]) => void): Unsubscribe;
}

/** The element's own work on each event of `around`, without re-dispatching it. */
export function ownHandlers<Events>(around: { readonly [K in keyof Events]?: Around<Events[K]> }): {
  [K in keyof Events]?: (payload: Events[K]) => void;
} {
  const handlers: { [K in keyof Events]?: (payload: Events[K]) => void } = {};
  for (const event of Object.keys(around) as (keyof Events)[]) {
    const own = around[event]!;
    handlers[event] = (payload) => {
      own.before?.(payload);
      own.after?.(payload);
    };
  }
  return handlers;
}

/** The handler of each event of `table`: re-dispatches it on `host`, with `around`. */
export function forwardingHandlers<Events, Source>(
  host: EventTarget,
  source: Source,
  table: ForwardTable<Events, Source>,
  around: { readonly [K in keyof Events]?: Around<Events[K]> } = {},
): { [K in keyof Events]?: (payload: Events[K]) => void } {
  const handlers: { [K in keyof Events]?: (payload: Events[K]) => void } = {};
  for (const event of Object.keys(table) as (keyof Events)[]) {
    const forward = table[event]!;
    const own = around[event];
    handlers[event] = (payload) => {
      own?.before?.(payload);
      forward(host, payload, source);
      own?.after?.(payload);
    };
  }
  return handlers;
}

/** Subscribes `handlers` to their events on `source`. */
export function subscribe<Events>(
  source: EventSource<Events>,
  handlers: { [K in keyof Events]?: (payload: Events[K]) => void },
): Unsubscribe[] {
  return (Object.keys(handlers) as (keyof Events)[]).map((event) =>
    source.on(event, handlers[event]!),
  );
}
