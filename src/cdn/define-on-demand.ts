import { defaultLogger } from '../engine/log.js';
import { watchAdditions } from './watch-additions.js';

/** Whether `root` is, or holds, an element named `tag`. */
function holds(root: Document | Element, tag: string): boolean {
  return (root instanceof Element && root.localName === tag) || root.querySelector(tag) !== null;
}

/**
 * Loads an element's module the first time its tag is in the document (now or later),
 * so a page pays only for the elements it uses.
 */
export function defineOnDemand(modules: Record<string, () => Promise<unknown>>): void {
  const pending = new Map(Object.entries(modules));
  let observer: MutationObserver | undefined;
  const loadPresent = (root: Document | Element): void => {
    for (const [tag, load] of pending) {
      if (!holds(root, tag)) continue;
      pending.delete(tag);
      load().catch((error: unknown) => {
        defaultLogger.error(`could not load <${tag}>`, { error });
      });
    }
    if (pending.size === 0) observer?.disconnect();
  };
  observer = watchAdditions(loadPresent);
  // The document's own elements were loaded during that call, before `observer` was set.
  if (pending.size === 0) observer.disconnect();
}
