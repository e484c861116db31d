/**
 * The loader's part of `<sip-call-button>` at rest (issue 16, "CLS caused by the widget"):
 * every button is drawn as the parser inserts it, so its first paint is its final box and
 * the text around it never moves. The loader is a classic script that runs where the page
 * puts its tag; the core, a module, runs only once fetched, possibly after the first paint.
 * The core attaches the intent handling (call-buttons-at-rest.ts).
 */
import { preRender } from '../elements/call-button/pre-render.js';
import { takePreRender } from '../elements/call-button/pre-render-state.js';
import { elementsNamed, watchAdditions } from './watch-additions.js';

export const CALL_BUTTON_TAG = 'sip-call-button';

/**
 * Draws every call button of the document at rest, now and later, until it is defined.
 * Returns what gives the buttons back to the page's own content if the core cannot come.
 */
export function drawCallButtons(): () => void {
  // Defined already (the npm package on the same page): it draws itself.
  if (customElements.get(CALL_BUTTON_TAG)) return () => {};
  const observer = watchAdditions((root) => {
    for (const el of elementsNamed(root, CALL_BUTTON_TAG)) {
      if (el instanceof HTMLElement) preRender(el);
    }
  });
  // From then on, buttons render themselves as they are created.
  customElements.whenDefined(CALL_BUTTON_TAG).then(() => observer.disconnect());
  return () => {
    observer.disconnect();
    for (const el of document.querySelectorAll(CALL_BUTTON_TAG)) undraw(el);
  };
}

/**
 * Shows `el`'s own content (its label, as the page wrote it) instead of the button drawn at
 * rest: without the core, that button would look ready and do nothing when pressed.
 */
function undraw(el: Element): void {
  const root = el.shadowRoot;
  if (!takePreRender(el) || !root) return;
  root.adoptedStyleSheets = [];
  root.append(el.ownerDocument.createElement('slot'));
  el.removeAttribute('state');
}
