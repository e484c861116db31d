import { defaultLogger } from '../engine/log.js';

/**
 * Loads an element's module the first time its tag is in the document (now or later),
 * so a page pays only for the elements it uses. Watches the document, not shadow roots:
 * an element placed inside another component's shadow root is not seen.
 */
export function defineOnDemand(modules: Record<string, () => Promise<unknown>>): void {
  const pending = new Map(Object.entries(modules));
  const loadPresent = (contains: (tag: string) => boolean): void => {
    for (const [tag, load] of pending) {
      if (!contains(tag)) continue;
      pending.delete(tag);
      load().catch((error: unknown) => {
        defaultLogger.error(`could not load <${tag}>`, { error });
      });
    }
    if (pending.size === 0) observer.disconnect();
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof Element) {
          loadPresent((tag) => node.localName === tag || node.querySelector(tag) !== null);
        }
      }
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  loadPresent((tag) => document.querySelector(tag) !== null);
}
