import type { CallEventMap } from './types';

/**
 * Every event a call sends, each once: a new event in types.ts fails to compile until it
 * is listed. For whoever relays all of them (the tabs' owner bridge, a phone kept for its
 * element: src/elements/shared/early-phone.ts).
 */
export const CALL_EVENT_NAMES = Object.keys({
  state: true,
  ended: true,
  dtmf: true,
  muted: true,
  'hold-music': true,
  error: true,
  quality: true,
  'quality-warning': true,
  'far-end-quality': true,
  report: true,
  connection: true,
  transfer: true,
  participant: true,
  participants: true,
} satisfies Record<keyof CallEventMap, true>) as (keyof CallEventMap)[];
