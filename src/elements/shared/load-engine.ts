import type { EngineLoader } from './engine-api.js';

/**
 * Loads the engine (and JsSIP) on demand, so pages pay for the SIP stack only once a
 * phone is needed. The CDN build swaps this module for one that loads the engine file
 * next to the script (see vite.config.ts).
 */
export const loadEngine: EngineLoader = () => import('../../engine/index.js');
