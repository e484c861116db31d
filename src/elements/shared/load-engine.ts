import type { PhoneConfig } from '../../engine/types.js';
import type { EngineLoader } from './engine-api.js';

/**
 * Loads the engine (and JsSIP) on demand, so pages pay for the SIP stack only once a
 * phone is needed. In the script-tag build each import is a chunk loaded from beside the
 * script (vite.config.ts names them): a phone that is not shared between tabs (every
 * click-to-call button) needs only the `Phone` module, `softphone-engine.js`; a
 * `singleTab` phone the whole engine entry, which adds the tabs' sharing (engine/tabs/)
 * on top of it.
 */
export const loadEngine: EngineLoader = (config: Pick<PhoneConfig, 'singleTab'>) =>
  config.singleTab ? import('../../engine/index.js') : import('../../engine/phone.js');
