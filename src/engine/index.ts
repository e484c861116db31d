/** Public entry of the headless softphone engine. */

export { describeEnd, endMessage } from './causes';
export { type ConfigResult, type ResolvedConfig, validateConfig } from './config';
export { type DtmfParseResult, type DtmfStep, parseDtmfSequence } from './dtmf';
export {
  audioDirection,
  deriveHoldState,
  type HoldMusicInput,
  type MediaDirection,
  shouldPlayHoldMusic,
} from './hold';
export { Phone } from './phone';
export { codecProfile, mosFromR, rFactor } from './quality/mos';
export { DEFAULT_THRESHOLDS } from './quality/thresholds';
export type * from './types';
