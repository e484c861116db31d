/**
 * The tabs' election started before the engine is in (issue 16, "Registration in
 * parallel"): an agent's `<sip-phone>` shares one phone between the tabs (`singleTab`), and
 * its phone may register only once this tab holds the tabs' lock (election.ts). Asked for
 * when the engine arrives, the lock's grant is a round trip through the browser that the
 * element's first render and layout can delay by tens of milliseconds before the REGISTER
 * (BENCHMARKS.md, "Time to registered"). It needs only the lock's name, so the script-tag
 * core asks for it while the engine downloads, and the election takes the lock held for it.
 * Small and without the engine's imports, like early-socket.ts, so that it can sit in the
 * core.
 */
import { KeptForTaker } from '../kept-for-taker';

/** How long a lock taken early waits for its phone before it is given back. */
export const EARLY_LOCK_KEPT_MS = 10_000;

/** Gives the lock back. */
export type Release = () => void;

interface EarlyLock {
  /** The release once the lock is held; undefined when another tab had it (or no lock). */
  outcome: Promise<Release | undefined>;
  /** Gives the lock back (or, while it is not granted yet, gives it back once granted). */
  release: Release;
}

const early = new KeptForTaker<string, EarlyLock>(EARLY_LOCK_KEPT_MS, (lock) => lock.release());

/**
 * Takes the lock `name` now if no other tab holds it, for this tab's phone to come.
 * Resolves false when another tab holds it (that tab's phone is the one that connects;
 * this tab's will follow it), true otherwise, also where there are no Web Locks.
 */
export function electEarly(name: string, keptMs = EARLY_LOCK_KEPT_MS): Promise<boolean> {
  const asked = early.peek(name);
  if (asked) return asked.outcome.then(Boolean);
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve(true);
  let release!: Release;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const outcome = new Promise<Release | undefined>((resolve) => {
    navigator.locks
      .request(name, { ifAvailable: true }, async (lock) => {
        resolve(lock ? release : undefined);
        // Held until the phone that took it resigns, or nobody took it in time.
        if (lock) await released;
      })
      .catch(() => resolve(undefined));
  });
  early.keep(name, { outcome, release }, keptMs);
  return outcome.then(Boolean);
}

/**
 * The lock asked for early under `name`, once: a promise of its release when this tab got
 * it, of undefined when another tab holds it (the election then queues as usual);
 * undefined when none was asked for.
 */
export function takeEarlyLock(name: string): Promise<Release | undefined> | undefined {
  return early.take(name)?.outcome;
}
