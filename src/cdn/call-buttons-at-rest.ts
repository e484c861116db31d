/**
 * `<sip-call-button>` in the script-tag core without Lit (issue 16, "JS before intent"):
 * every button in the document, now and later, drawn at rest by the loader
 * (draw-call-buttons.ts), is checked, and the Lit element is loaded, defined and upgrades
 * them all at the first intent on any of them (or when the page is idle, with
 * `preload="idle"`).
 */
import { canPlaceCalls } from '../elements/call-button/fallback-reason.js';
import { whenIntent } from '../elements/call-button/pre-render-state.js';
import { requestMicrophoneEarly } from '../engine/early-microphone.js';
import { defaultLogger } from '../engine/log.js';
import { CALL_BUTTON_TAG as TAG } from './draw-call-buttons.js';
import { connectEarly } from './early-connection.js';
import { chunkFiles, preloadModules } from './preload.js';
import { elementsNamed, watchAdditions } from './watch-additions.js';

/**
 * The check at rest: only what costs nothing to see. The whole configuration is checked
 * when the element upgrades, at the first intent (README, "Click-to-call").
 */
function checkAtRest(el: HTMLElement): void {
  if (el.getAttribute('target')?.trim() || Object.hasOwn(el, 'target')) return;
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
  const upgrade = (): void => {
    if (loading) return;
    loading = true;
    // Without WebRTC the button offers the page's fallbacks: no engine to fetch.
    const { button, call } = chunkFiles();
    preloadModules(canPlaceCalls(globalThis) ? [...button, ...call] : button);
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
        void connectEarly(el, false);
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
