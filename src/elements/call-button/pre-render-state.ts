/**
 * What the script-tag loader, the core and the Lit element share about a `<sip-call-button>`
 * drawn at rest (pre-render.ts): the loader keeps a record per button, the core acts on the
 * visitor's intent ({@link whenIntent}), and the element takes the button over when it
 * upgrades, with what the visitor did meanwhile ({@link takePreRender}). Without imports:
 * the core and the element take none of the drawing.
 */

/** What the visitor did with the pre-render, for the element that replaces it. */
export interface PreRenderHandoff {
  /** The pre-rendered button had focus: the new one takes it. */
  readonly focused: boolean;
  /** It was clicked (pointer, Enter or Space), once or more: the call is placed once. */
  readonly clicked: boolean;
  /** The core placed that call already ({@link claimClick}). */
  readonly placed: boolean;
  /** The visitor showed intent (hover, press, focus): the engine is prepared. */
  readonly intent: boolean;
}

/** A button drawn at rest, and what the visitor did with it so far. */
export interface PreRender {
  readonly button: HTMLButtonElement;
  clicked: boolean;
  /** Its click was claimed by the core, which placed the call ({@link claimClick}). */
  placed: boolean;
  intent: boolean;
  /** Resolves once no press that started on it is still down (pre-render.ts). */
  press: Promise<void> | undefined;
  readonly stop: AbortController;
  /** The core's, once it has attached ({@link whenIntent}); `clicked` at a click. */
  onIntent: ((clicked: boolean) => void) | undefined;
}

/**
 * Kept by the loader (a classic script), read by the core and the element (ES modules):
 * separate bundles, each with its own copy of this module, so the records are kept where
 * every copy finds them. Keyed by a registered symbol, out of the page's names.
 */
const PRE_RENDERS = Symbol.for('helpline-softphone.pre-renders');
type WithPreRenders = typeof globalThis & { [PRE_RENDERS]?: WeakMap<Element, PreRender> };
const shared = globalThis as WithPreRenders;
const preRenders = shared[PRE_RENDERS] ?? new WeakMap<Element, PreRender>();
shared[PRE_RENDERS] = preRenders;

/** Keeps `state` as `host`'s pre-render (the loader draws it: pre-render.ts). */
export function keepPreRender(host: Element, state: PreRender): void {
  preRenders.set(host, state);
}

/**
 * Calls `onIntent` at each sign of intent on `host`'s pre-render (hover, focus, press) and
 * at each click on it (`clicked`); at once if one came before (the button is drawn before
 * the core loads). False, and nothing done, if `host` has no pre-render or one with a
 * handler already (an element moved in the page is seen again).
 */
export function whenIntent(host: Element, onIntent: (clicked: boolean) => void): boolean {
  const state = preRenders.get(host);
  if (!state || state.onIntent) return false;
  state.onIntent = onIntent;
  if (state.intent || state.clicked) onIntent(state.clicked);
  return true;
}

/**
 * Claims the click made on `host`'s pre-render, for the core to place its call before the
 * element is in: true once, while the element has not taken the button over (it then
 * follows that call instead of placing one: {@link takePreRender} says `placed`); false
 * without a click, or when it was claimed or taken over already.
 */
export function claimClick(host: Element): boolean {
  const state = preRenders.get(host);
  if (!state?.clicked || state.placed) return false;
  state.placed = true;
  return true;
}

/** While a press that began on `host`'s pre-render is down: when it is released. */
export function pressOnPreRender(host: Element): Promise<void> | undefined {
  return preRenders.get(host)?.press;
}

/**
 * Takes `host`'s pre-render away (the shadow root is left empty for the element's own
 * render) and says what the visitor did with it; undefined if it has none (npm build).
 */
export function takePreRender(host: Element): PreRenderHandoff | undefined {
  const state = preRenders.get(host);
  if (!state) return undefined;
  preRenders.delete(host);
  state.stop.abort();
  const root = host.shadowRoot;
  const focused = root?.activeElement === state.button;
  root?.replaceChildren();
  return { focused, clicked: state.clicked, placed: state.placed, intent: state.intent };
}
