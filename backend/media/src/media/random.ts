/**
 * A seeded pseudo-random generator (Marsaglia's xorshift32), so an impaired call drops and
 * delays the same packets every run with the same seed. Not for anything security-related.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from `seed` (any integer; 0 is mapped to a fixed non-zero state). */
export function seededRandom(seed: number): Random {
  // xorshift has a fixed point at 0; scramble the seed so small seeds diverge at once.
  let state = Math.imul(seed | 0, 0x9e3779b1) >>> 0 || 0x6d2b79f5;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}
