import type { EngineLoader, EngineModule } from '../elements/shared/engine-api.js';
import { scriptUrl } from './script-url.js';

/**
 * The CDN build's engine loader (it replaces `elements/shared/load-engine.ts`): imports
 * `softphone-engine.js` from the directory `softphone.js` was loaded from.
 */
export const loadEngine: EngineLoader = async () => {
  if (!scriptUrl) {
    throw new Error(
      'softphone.js must be loaded by a <script src="…/softphone.js"> tag to find softphone-engine.js',
    );
  }
  const url = new URL('./softphone-engine.js', scriptUrl).href;
  return (await import(/* @vite-ignore */ url)) as EngineModule;
};
