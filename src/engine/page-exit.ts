/**
 * Ending the calls when the page goes away (issue 11 §3, "the page"). A visitor who closes
 * the tab mid-call leaves the far end holding a call nobody is on until its RTP timeout:
 * the SBC sees the WebSocket close, but a closed connection is not a BYE. `pagehide` is
 * the event browsers fire for every way a document goes (tab or window closed, navigation,
 * entering the back/forward cache), and handlers may still send: a BYE written to the
 * WebSocket and a report queued with `navigator.sendBeacon` (quality/beacon.ts) are
 * delivered. `beforeunload` is not fired reliably (never on mobile, not when the browser
 * decides the page is being discarded), and `unload` is being removed from browsers:
 * https://developer.chrome.com/docs/web-platform/deprecating-unload
 * https://html.spec.whatwg.org/multipage/document-lifecycle.html#unloading-documents
 *
 * `beforeunload` still serves where it does fire: to ask before a call is lost to a
 * mistaken close or reload (`onLeaveAttempt`).
 */

import { defaultLogger, type Logger } from './log';

/** What the hook needs from `window` (a test passes its own target). */
export type PageExitTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

/**
 * Calls `leave` each time the page is hidden for good or for the back/forward cache (a
 * call cannot survive either: the page's media and socket are suspended or gone). Returns
 * the function that removes the hook. Without a window (Node, a worker) it does nothing.
 */
export function onPageExit(
  leave: () => void,
  target: PageExitTarget | undefined = typeof window === 'undefined' ? undefined : window,
  log: Logger = defaultLogger,
): () => void {
  if (!target) return () => {};
  const listener = () => {
    try {
      leave();
    } catch (error) {
      // The page is going: nothing to show the error to, but never throw into the browser.
      log.warn('could not end the calls as the page went away', { error });
    }
  };
  target.addEventListener('pagehide', listener);
  return () => target.removeEventListener('pagehide', listener);
}

/**
 * While `inCall()` says so, a close or reload of the page asks first: the browser shows its
 * own "Leave site?" dialog when `beforeunload` is cancelled (HTML's "prompt to unload";
 * `returnValue` is set too, for browsers that only look at that). Returns the function that
 * removes the hook.
 */
export function onLeaveAttempt(
  inCall: () => boolean,
  target: PageExitTarget | undefined = typeof window === 'undefined' ? undefined : window,
): () => void {
  if (!target) return () => {};
  const listener = (event: Event) => {
    if (!inCall()) return;
    event.preventDefault();
    (event as BeforeUnloadEvent).returnValue = '';
  };
  target.addEventListener('beforeunload', listener);
  return () => target.removeEventListener('beforeunload', listener);
}
