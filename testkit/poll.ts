/**
 * One poller for every test and benchmark: ask `probe` again and again until it gives a
 * value that counts as done, or fail with what was last seen. (Playwright's `expect.poll`
 * and Vitest's `expect.poll` stay where a test already runs inside those frameworks.)
 */

export interface PollOptions<T> {
  /** Give up after this long; bound it by what holds on a loaded 2-core machine. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the timeout error: "timed out after 10000 ms waiting for <what>". */
  what?: string;
  /** When a value counts as done (default: truthy). */
  done?: (value: T) => boolean;
  /** Treat a probe that throws as "not yet" (a server still starting) instead of failing. */
  retryErrors?: boolean;
}

/** Thrown when the condition did not hold in time; `last` is the last value (or error) seen. */
export class PollTimeout extends Error {
  constructor(
    message: string,
    readonly last: unknown,
  ) {
    super(message);
    this.name = 'PollTimeout';
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the first value of `probe` that is done. */
export async function poll<T>(
  probe: () => T | Promise<T>,
  {
    timeoutMs = 10_000,
    intervalMs = 100,
    what = 'condition',
    done = Boolean,
    retryErrors = false,
  }: PollOptions<T> = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = value;
    } catch (error) {
      if (!retryErrors) throw error;
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new PollTimeout(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${seen?.slice(0, 300)})`,
        last,
      );
    }
    await sleep(intervalMs);
  }
}
