/**
 * Public entry of the headless softphone engine (`@helpline/softphone/engine`): the phone,
 * the checks a host can run before it (configuration, DTMF sequences), the default quality
 * thresholds, and the types. Everything else in this folder is internal.
 */

export { type ConfigResult, type ResolvedConfig, validateConfig } from './config';
export { type DtmfParseResult, type DtmfStep, parseDtmfSequence } from './dtmf';
export { Phone } from './phone';
export { DEFAULT_THRESHOLDS } from './quality/thresholds';
export { TabPhone } from './tab-phone';
export type * from './types';
