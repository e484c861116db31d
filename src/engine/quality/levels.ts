/** How a MOS is put in one word: bands on the MOS scale, beside the warning thresholds. */
import { DEFAULT_THRESHOLDS } from './thresholds';
import type { QualityLevel } from './types';

/**
 * Lower bound of each band (G.107 Annex B's user-satisfaction bands, rounded): 4.0 and up
 * ("satisfied"), the default low-MOS warning threshold (3.5), 3.0 ("many dissatisfied").
 */
const BANDS: readonly [minimum: number, level: QualityLevel][] = [
  [4.0, 'good'],
  [DEFAULT_THRESHOLDS.mos, 'fair'],
  [3.0, 'poor'],
  [Number.NEGATIVE_INFINITY, 'bad'],
];

/** The word for a MOS; `unknown` while there is none (before the first rated sample). */
export function qualityLevel(mos: number | null | undefined): QualityLevel {
  if (mos === null || mos === undefined) return 'unknown';
  return BANDS.find(([minimum]) => mos >= minimum)![1];
}
