/**
 * `<sip-call-button>` at rest without Lit (issue 16, "JS before intent", "CLS"): the
 * script-tag loader (src/cdn/softphone.ts) draws the button's idle look into the element's
 * shadow root before the Lit element is defined, and remembers what the visitor does with it
 * for the core and the element (pre-render-state.ts). Free of Lit: it ships in the loader.
 *
 * The markup is what `SipCallButton.render()` gives in state `idle`, the styles the same
 * text (rest-styles.ts, theme-base.ts), so nothing moves when the Lit element takes over;
 * src/cdn/call-buttons-at-rest.test.ts compares the two.
 */
import { callUsLabels } from '../../i18n/call-us.js';
import { langTagOf, languageFromTag } from '../../i18n/language.js';
import { PHONE_ICON_PATH } from '../shared/render/phone-icon-path.js';
import { themeBaseCss } from '../shared/styles/theme-base.js';
import { keepPreRender, type PreRender } from './pre-render-state.js';
import { callButtonRestCss } from './rest-styles.js';

/** Events that show the visitor means to call (as `SipCallButton`'s own). */
const INTENT_EVENTS = ['pointerenter', 'pointerdown', 'focusin'] as const;

let restSheet: CSSStyleSheet | undefined;

/**
 * A constructed sheet, not a `<style>`: pages with `style-src 'none'` (SECURITY.md) allow
 * it, as they allow Lit's. Lit replaces `adoptedStyleSheets` with its own when it upgrades.
 */
function restStyles(): CSSStyleSheet {
  if (!restSheet) {
    restSheet = new CSSStyleSheet();
    restSheet.replaceSync(themeBaseCss + callButtonRestCss);
  }
  return restSheet;
}

type Child = Node | string;

/** Built node by node: pages with Trusted Types (SECURITY.md) refuse HTML strings. */
function node<T extends Element>(
  element: T,
  attributes: Record<string, string>,
  ...children: Child[]
): T {
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

/** `SipCallButton.render()` in state `idle`, with `label` (the element's language's) in its slot. */
function idleMarkup(doc: Document, label: string): Child[] {
  const icon = node(
    doc.createElementNS(SVG, 'svg'),
    // Lit sets bound attributes after the template's: `class` binds the icon's name.
    { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false', class: 'icon icon-phone' },
    node(doc.createElementNS(SVG, 'path'), { d: PHONE_ICON_PATH }),
  );
  const button = node(
    doc.createElement('button'),
    // In the order Lit's render leaves them (bound `part` after the others).
    { type: 'button', class: 'main', 'aria-describedby': 'live', part: 'button button-idle' },
    icon,
    node(doc.createElement('span'), { class: 'label' }, node(doc.createElement('slot'), {}, label)),
  );
  const live = node(doc.createElement('span'), {
    id: 'live',
    class: 'visually-hidden',
    role: 'status',
  });
  return [button, live];
}

/**
 * Draws `host` at rest and remembers the visitor's intent and clicks (a keyboard's too) on
 * it, for the core's handler (pre-render-state.ts, `whenIntent`). Does nothing if `host`
 * has a shadow root already (drawn, or upgraded).
 */
export function preRender(host: HTMLElement): void {
  if (host.shadowRoot) return;
  // Lit's default `shadowRootOptions`, which SipCallButton keeps: it reuses this root.
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [restStyles()];
  // The element's language, as LocaleController reads it.
  root.append(...idleMarkup(host.ownerDocument, callUsLabels[languageFromTag(langTagOf(host))]));
  host.setAttribute('state', 'idle');

  const button = root.querySelector('button');
  if (!button) throw new Error('the pre-render has no button');
  const stop = new AbortController();
  const state: PreRender = {
    button,
    clicked: false,
    placed: false,
    intent: false,
    press: undefined,
    stop,
    onIntent: undefined,
  };
  keepPreRender(host, state);
  const listen = { signal: stop.signal };
  const intent = (): void => {
    state.intent = true;
    state.onIntent?.(false);
  };
  for (const type of INTENT_EVENTS) host.addEventListener(type, intent, listen);
  button.addEventListener(
    'click',
    () => {
      state.clicked = true;
      state.onIntent?.(true);
    },
    listen,
  );
  host.addEventListener(
    'pointerdown',
    () => holdUntilReleased(state, ['pointerup', 'pointercancel']),
    listen,
  );
  host.addEventListener(
    'keydown',
    (event) => {
      // Space clicks at keyup; Enter at keydown, already past.
      if (event.key === ' ') holdUntilReleased(state, ['keyup', 'blur']);
    },
    listen,
  );
}

/**
 * Marks a press on the pre-render as down until one of `releases` on the page. The click
 * that a release makes is dispatched in the same task, after it: the hold ends a task
 * later, so that click lands on the pre-render and is counted, never lost to a button
 * swapped in between press and release, nor doubled.
 */
function holdUntilReleased(state: PreRender, releases: readonly string[]): void {
  if (state.press) return;
  state.press = new Promise<void>((resolve) => {
    const released = new AbortController();
    const release = (): void => {
      released.abort();
      setTimeout(() => {
        state.press = undefined;
        resolve();
      });
    };
    for (const type of releases) {
      window.addEventListener(type, release, { capture: true, signal: released.signal });
    }
  });
}
