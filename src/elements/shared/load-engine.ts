import type { EngineLoader } from './engine-api.js';

/**
 * Loads the engine (and JsSIP) on demand, so pages pay for the SIP stack only once a
 * phone is needed. In the script-tag build the import is the `softphone-engine.js` chunk,
 * loaded from beside the script (vite.config.ts names it).
 */
export const loadEngine: EngineLoader = () => import('../../engine/index.js');
