/**
 * Registers a custom element unless that name is taken already: customer pages may
 * load the script twice (two widgets, a tag manager), and a second `define` throws.
 */
export function defineElement(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
