import type { QualityLevel } from '../../engine/types.js';

/** How many signal bars the indicator draws. */
export const MAX_BARS = 4;

/** Lit bars for each quality level (the level comes from the engine's MOS bands). */
export const BARS: Readonly<Record<QualityLevel, number>> = {
  good: 4,
  fair: 3,
  poor: 2,
  bad: 1,
  unknown: 0,
};
