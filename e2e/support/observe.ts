/**
 * For assertions about absence ("no retry storm", "no second call"): there is no event to
 * wait for, so a probe is sampled over a fixed observation window and every sample kept.
 */
export async function observe<T>(
  durationMs: number,
  probe: () => T | Promise<T>,
  everyMs = 200,
): Promise<T[]> {
  const samples: T[] = [await probe()];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    samples.push(await probe());
  }
  return samples;
}
