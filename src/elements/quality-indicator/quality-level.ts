/** How the indicator names a MOS: a word and a number of signal bars. */

export type QualityLevel = 'good' | 'fair' | 'poor' | 'bad' | 'unknown';

export const MAX_BARS = 4;

/**
 * Bands on the MOS scale (G.107 Annex B's user-satisfaction bands, rounded): 4.0 and up
 * ("satisfied"), 3.5 (the default low-MOS warning threshold), 3.0 ("many dissatisfied").
 */
const BANDS: readonly [minimum: number, level: QualityLevel, bars: number][] = [
  [4.0, 'good', 4],
  [3.5, 'fair', 3],
  [3.0, 'poor', 2],
  [Number.NEGATIVE_INFINITY, 'bad', 1],
];

export function qualityLevel(mos: number | null | undefined): {
  level: QualityLevel;
  bars: number;
} {
  if (mos === null || mos === undefined) return { level: 'unknown', bars: 0 };
  const [, level, bars] = BANDS.find(([minimum]) => mos >= minimum)!;
  return { level, bars };
}
