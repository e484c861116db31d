/**
 * The browser's `online` and `offline` events as hints for the connection (HTML,
 * "navigator.onLine": https://html.spec.whatwg.org/multipage/system-state.html#dom-navigator-online).
 * They are only hints: `online` may come while the network still cannot reach the server,
 * and `offline` while a connection on another interface lives on. So neither is trusted to
 * drop or declare anything; each makes the phone check now instead of at its next keepalive
 * (keepalive.ts), and `online` also skips what is left of a reconnection's backoff delay.
 */

/** What the hints need from `window` (a test passes its own target). */
export type NetworkTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface NetworkHints {
  /** The browser thinks it is back online. */
  online(): void;
  /** The browser thinks it lost the network. */
  offline(): void;
}

/** Subscribes `hints` to the events; returns the function that unsubscribes. */
export function onNetworkChange(
  hints: NetworkHints,
  target: NetworkTarget | undefined = typeof window === 'undefined' ? undefined : window,
): () => void {
  if (!target) return () => {};
  const online = () => hints.online();
  const offline = () => hints.offline();
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  return () => {
    target.removeEventListener('online', online);
    target.removeEventListener('offline', offline);
  };
}
