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

// Through a variable: Vite would take `new URL('./…', import.meta.url)` for an asset.
const here = import.meta.url;

/** Starts fetching `files` (beside this module) as modules, all at once. */
export function preloadModules(files: readonly string[]): void {
  for (const file of files) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = new URL(`./${file}`, here).href;
    document.head.append(link);
  }
}
