/**
 * `<sip-call-button>` in the script-tag core without Lit (issue 16, "JS before intent"):
 * every button in the document, now and later, drawn at rest by the loader
 * (draw-call-buttons.ts), is checked, and the Lit element is loaded, defined and upgrades
 * them all at the first intent on any of them (or when the page is idle, with
 * `preload="idle"`). A click on a drawn button places its call as soon as the engine is in
 * (issue 16, "clicked at once"), not once Lit and the element are in and rendered too.
 */
import { canPlaceCalls } from '../elements/call-button/fallback-reason.js';
import { claimClick, whenIntent } from '../elements/call-button/pre-render-state.js';
import { type EarlyPhone, keepEarlyPhone } from '../elements/shared/early-phone.js';
import { requestMicrophoneEarly } from '../engine/early-microphone.js';
import { defaultLogger } from '../engine/log.js';
import { CALL_BUTTON_TAG as TAG } from './draw-call-buttons.js';
import { CALL_BUTTON_PHONE, startPhoneEarly } from './early-phone.js';
import { chunkFiles, preloadModules } from './preload.js';
import { elementsNamed, watchAdditions } from './watch-additions.js';

/** Whether the button has the number it calls (set as an attribute or by script). */
const hasTarget = (el: HTMLElement): boolean =>
  Boolean(el.getAttribute('target')?.trim()) || Object.hasOwn(el, 'target');

/** The number it calls, as the element will read it: a property set by script wins. */
function targetOf(el: HTMLElement): string | undefined {
  const set: unknown = Object.getOwnPropertyDescriptor(el, 'target')?.value;
  const target = Object.hasOwn(el, 'target') ? set : el.getAttribute('target');
  return typeof target === 'string' ? target.trim() || undefined : undefined;
}

/**
 * Whether the page gives the call a caller context (caller-context-input.ts): the element
 * checks and sends it, so such a button's click waits for the element.
 */
const hasCallerContext = (el: HTMLElement): boolean =>
  el.hasAttribute('context') ||
  Object.hasOwn(el, 'context') ||
  el.hasAttribute('share-page-url') ||
  Object.keys(el.dataset).some((key) => key.startsWith('context'));

/**
 * Places the call of the click made on `el`'s drawn button on the phone the core started
 * for it, while that phone is not yet the element's: the call's peer connection and offer
 * are made while the socket connects and the element loads. Once per click on the drawn
 * button (`claimClick`); the element follows that call when it takes the phone over.
 */
function placeClick(el: HTMLElement, early: EarlyPhone | undefined): void {
  const target = targetOf(el);
  if (!early || early.released || !target || hasCallerContext(el) || !claimClick(el)) return;
  early.phone.call(target);
}

/**
 * The check at rest: only what costs nothing to see. The whole configuration is checked
 * when the element upgrades, at the first intent (README, "Click-to-call").
 */
function checkAtRest(el: HTMLElement): void {
  if (hasTarget(el)) return;
  defaultLogger.error(
    `<${TAG}> has no target: the number to call, e.g. target="sales" (the whole configuration is checked at the first intent)`,
  );
}

/**
 * Loads the element with `loadElement` (which defines it) at the first intent on a call
 * button drawn at rest, or at once if the visitor showed it before.
 */
export function callButtonsAtRest(loadElement: () => Promise<unknown>): void {
  // Defined already (the npm package on the same page): it draws itself.
  if (customElements.get(TAG)) return;
  let loading = false;
  /**
   * The buttons the visitor showed intent on, whose phones were started (each once). Their
   * element is not held back for them, as `<sip-phone>`'s is (core.ts): a click on the
   * drawn button shows nothing until the element is in, and on a slow connection the engine
   * comes well after it.
   */
  const started = new WeakMap<Element, Promise<EarlyPhone | undefined>>();
  const startPhone = (el: HTMLElement): Promise<EarlyPhone | undefined> | undefined => {
    // Without a target the element shows the error: no call, nothing to connect.
    if (!started.has(el) && hasTarget(el)) {
      const early = startPhoneEarly(el, CALL_BUTTON_PHONE);
      started.set(el, early);
      keepEarlyPhone(el, early);
    }
    return started.get(el);
  };
  const upgrade = (): void => {
    if (loading) return;
    loading = true;
    // Without WebRTC the button offers the page's fallbacks: no engine to fetch.
    const { button, call } = chunkFiles();
    preloadModules(canPlaceCalls(globalThis) ? [...button, ...call] : button, import.meta.url);
    loadElement().then(
      // Defined: buttons added from now on upgrade as they are created.
      () => observer.disconnect(),
      (error: unknown) => {
        loading = false;
        defaultLogger.error(`could not load <${TAG}>`, { error });
      },
    );
  };
  const atRest = (el: Element): void => {
    if (!(el instanceof HTMLElement)) return;
    const drawn = whenIntent(el, (clicked) => {
      if (canPlaceCalls(globalThis)) {
        const early = startPhone(el);
        // A click asks for the call: the microphone opens now, beside the downloads, not
        // once the element is in (engine/early-microphone.ts; released if no call follows).
        if (clicked) {
          requestMicrophoneEarly();
          early?.then(
            (phone) => placeClick(el, phone),
            () => undefined,
          );
        }
      }
      upgrade();
    });
    // Not drawn (upgraded already, or a root the page attached itself), or seen before.
    if (!drawn) return;
    checkAtRest(el);
    if (el.getAttribute('preload') === 'idle') requestIdleCallback(upgrade);
  };
  const observer = watchAdditions((root) => {
    for (const el of elementsNamed(root, TAG)) atRest(el);
  });
}
