/** Mounting helpers for element tests. */
import axe from 'axe-core';
import { userEvent } from 'vitest/browser';
import { DOMAIN, SBC_WSS_URL, VISITOR_CREDENTIALS_URL } from '../../../testkit/topology.js';
import { FakePhone, fakeLoader } from './fake-engine.js';

/** Appends `el` to a fresh container in the document and waits for its first render. */
export async function mount<T extends HTMLElement & { updateComplete?: Promise<unknown> }>(
  el: T,
): Promise<T> {
  const container = document.createElement('div');
  container.dataset.testContainer = '';
  container.append(el);
  document.body.append(container);
  await el.updateComplete;
  return el;
}

export function cleanup(): void {
  for (const container of document.querySelectorAll('[data-test-container]')) container.remove();
}

/** Creates an element with attributes, not yet on the page. */
export function create<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

/** Attributes of a valid configuration: the lab's (testkit/topology.json). */
export const VALID_CONFIG = {
  server: SBC_WSS_URL,
  domain: DOMAIN,
  'credentials-url': VISITOR_CREDENTIALS_URL,
} as const;

/** Element in `el`'s shadow root, failing clearly when it is missing. */
export function shadow<E extends Element = HTMLElement>(el: Element, selector: string): E {
  const found = el.shadowRoot?.querySelector<E>(selector);
  if (!found) throw new Error(`${el.tagName.toLowerCase()} has no ${selector}`);
  return found;
}

/** A button in `el`'s shadow root by its accessible name (aria-label or text). */
export function buttonNamed(el: Element, name: string): HTMLButtonElement {
  const buttons = [...(el.shadowRoot?.querySelectorAll('button') ?? [])];
  const found = buttons.find(
    (button) => (button.getAttribute('aria-label') ?? button.textContent ?? '').trim() === name,
  );
  if (!found) throw new Error(`${el.tagName.toLowerCase()} has no button named "${name}"`);
  return found;
}

/** Runs axe-core on `el` and returns a readable list of violations (empty when clean). */
export async function axeViolations(el: Element): Promise<string[]> {
  const results = await axe.run(el);
  return results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Collects the `detail`s of `type` events dispatched on (or bubbling through) `target`. */
export function collect<D>(target: EventTarget, type: string): D[] {
  const details: D[] = [];
  target.addEventListener(type, (event) => details.push((event as CustomEvent<D>).detail));
  return details;
}

/**
 * Parks the mouse in the page's bottom-right corner, so an element mounted where an
 * earlier test hovered does not receive a `pointerenter` it did not ask for.
 */
export async function parkPointer(): Promise<void> {
  const corner = document.createElement('div');
  corner.style.cssText = 'position:fixed;right:0;bottom:0;width:8px;height:8px';
  document.body.append(corner);
  await userEvent.hover(corner);
  corner.remove();
}

/**
 * Puts a `<sip-phone>`, `<sip-call-button>` or `<sip-preflight>` on the page with a counting fake loader
 * (the element decides when to load it).
 */
export async function mountWithFakeEngine<
  K extends 'sip-phone' | 'sip-call-button' | 'sip-preflight',
>(
  tag: K,
  attributes: Record<string, string>,
): Promise<{ el: HTMLElementTagNameMap[K]; loader: ReturnType<typeof fakeLoader> }> {
  const el = create(tag, attributes);
  const loader = fakeLoader();
  el.engine.loader = loader;
  await mount(el);
  return { el, loader };
}

/** After each element test: remove what it mounted and forget its phones. */
export function resetElements(): void {
  cleanup();
  FakePhone.instances = [];
}
