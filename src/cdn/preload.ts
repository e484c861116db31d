import { elementsNamed, watchAdditions } from './watch-additions.js';

/**
 * The chunks each on-demand load brings, written in by the build from the bundle's import
 * graph (vite.config.ts, `chunkFilesInCore`), and their preloading: a load starts all of
 * its fetches at once, so it waits for one round of fetches, not for a chain of imports
 * that each chunk reveals only once it is fetched (softphone.test.ts checks the lists).
 */

/** Files beside the core, each list with every chunk its roots import (the core left out). */
interface ChunkFiles {
  /** The call button's module. */
  readonly button: readonly string[];
  /** What a call adds to it: the call panel and the engine. */
  readonly call: readonly string[];
  /** The agent phone's module and the engine it starts at once. */
  readonly phone: readonly string[];
}

declare const __SOFTPHONE_CHUNK_FILES__: ChunkFiles;

/** Read when a load starts (a test of the sources sets the global after the imports). */
export function chunkFiles(): ChunkFiles {
  return __SOFTPHONE_CHUNK_FILES__;
}

/**
 * Starts fetching `files` as modules, all at once.
 * @param beside the URL of a file in the same folder (the core's or the loader's own)
 */
export function preloadModules(files: readonly string[], beside: string): void {
  for (const file of files) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = new URL(`./${file}`, beside).href;
    document.head.append(link);
  }
}

/**
 * Has the agent phone's files fetched as soon as a `<sip-phone>` is in the document. The
 * loader calls it as the parser inserts the element, a round of fetches before the core
 * could (the core then finds them fetched, or on their way).
 */
export function preloadAgentPhone(beside: string): void {
  let observer: MutationObserver | undefined;
  let found = false;
  observer = watchAdditions((root) => {
    if (found || elementsNamed(root, 'sip-phone').length === 0) return;
    found = true;
    observer?.disconnect();
    preloadModules(chunkFiles().phone, beside);
  });
  // Found among the document's own elements during that call, before `observer` was set.
  if (found) observer.disconnect();
}
