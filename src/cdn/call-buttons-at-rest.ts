/**
 * `<sip-call-button>` in the script-tag core without Lit (issue 16, "JS before intent"):
 * every button in the document, now and later, is drawn at rest (pre-render.ts), and the
 * Lit element is loaded, defined and upgrades them all at the first intent on any of them
 * (or when the page is idle, with `preload="idle"`).
 */
import { canPlaceCalls } from '../elements/call-button/fallback-reason.js';
import { preRender } from '../elements/call-button/pre-render.js';
import { defaultLogger } from '../engine/log.js';
import { watchAdditions } from './define-on-demand.js';
import { requestCredentialsOf } from './early-credentials.js';
import { chunkFiles, preloadModules } from './preload.js';

const TAG = 'sip-call-button';

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
 * Draws the call buttons at rest and loads the element with `loadElement` (which defines
 * it) at the first intent.
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
    if (!(el instanceof HTMLElement) || el.shadowRoot) return;
    checkAtRest(el);
    preRender(el, () => {
      if (canPlaceCalls(globalThis)) requestCredentialsOf(el);
      upgrade();
    });
    if (el.getAttribute('preload') === 'idle') requestIdleCallback(upgrade);
  };
  const observer = watchAdditions((root) => {
    if (root instanceof Element && root.localName === TAG) atRest(root);
    for (const el of root.querySelectorAll(TAG)) atRest(el);
  });
}
