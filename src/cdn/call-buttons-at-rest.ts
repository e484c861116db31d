/**
 * `<sip-call-button>` in the script-tag core without Lit (issue 16, "JS before intent"):
 * every button in the document, now and later, drawn at rest by the loader
 * (draw-call-buttons.ts), is checked, and the Lit element is loaded, defined and upgrades
 * them all at the first intent on any of them (or when the page is idle, with
 * `preload="idle"`).
 */
import { canPlaceCalls } from '../elements/call-button/fallback-reason.js';
import { whenIntent } from '../elements/call-button/pre-render-state.js';
import { keepEarlyPhone } from '../elements/shared/early-phone.js';
import { requestMicrophoneEarly } from '../engine/early-microphone.js';
import { defaultLogger } from '../engine/log.js';
import { CALL_BUTTON_TAG as TAG } from './draw-call-buttons.js';
import { CALL_BUTTON_PHONE, startPhoneEarly } from './early-phone.js';
import { chunkFiles, preloadModules } from './preload.js';
import { elementsNamed, watchAdditions } from './watch-additions.js';

/** Whether the button has the number it calls (set as an attribute or by script). */
const hasTarget = (el: HTMLElement): boolean =>
  Boolean(el.getAttribute('target')?.trim()) || Object.hasOwn(el, 'target');

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
  const started = new WeakSet<Element>();
  const startPhone = (el: HTMLElement): void => {
    // Without a target the element shows the error: no call, nothing to connect.
    if (started.has(el) || !hasTarget(el)) return;
    started.add(el);
    keepEarlyPhone(el, startPhoneEarly(el, CALL_BUTTON_PHONE));
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
        startPhone(el);
        // A click asks for the call: the microphone opens now, beside the downloads, not
        // once the element is in (engine/early-microphone.ts; released if no call follows).
        if (clicked) requestMicrophoneEarly();
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
