import type { PhoneEventMap } from './types';

/**
 * Every event a phone sends, each once: a new event in types.ts fails to compile until it
 * is listed. For whoever relays all of them (the tabs' owner bridge, a phone kept for its
 * element: src/elements/shared/early-phone.ts).
 */
export const PHONE_EVENT_NAMES = Object.keys({
  registration: true,
  incoming: true,
  call: true,
  error: true,
  'autoplay-blocked': true,
  'autoplay-unlocked': true,
  report: true,
  connection: true,
  credentials: true,
  availability: true,
  'tab-role': true,
  devices: true,
} satisfies Record<keyof PhoneEventMap, true>) as (keyof PhoneEventMap)[];
