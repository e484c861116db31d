/**
 * Which tab owns the phone: the one that holds an exclusive Web Lock named for the
 * origin's phone (https://w3c.github.io/web-locks/). The browser releases a lock when its
 * tab closes or crashes, and grants it to the next tab waiting, so a takeover needs no
 * heartbeat and no timeout of ours.
 */

import { takeEarlyLock } from './early-election';

export interface ElectionEvents {
  /** Another tab holds the lock now; this one waits its turn. At most once, before `owner`. */
  follower(): void;
  /** This tab holds the lock, until the function returned by {@link electOwner} is called. */
  owner(): void;
}

/** Can tabs elect here? (Web Locks: every current browser; not in an insecure context.) */
export function canElect(): boolean {
  return typeof navigator !== 'undefined' && navigator.locks !== undefined;
}

/**
 * Asks for ownership of `name`: tells at once whether another tab has it, and calls
 * `owner` when this tab gets it. Returns the function that gives it up (or stops waiting).
 */
export function electOwner(name: string, events: ElectionEvents): () => void {
  const waiting = new AbortController();
  let giveUp!: () => void;
  const given = new Promise<void>((resolve) => {
    giveUp = resolve;
  });
  let over = false;
  const hold = async (): Promise<void> => {
    if (over) return;
    events.owner();
    await given;
  };
  const request = (): void => {
    void navigator.locks
      .request(name, { ifAvailable: true }, async (lock) => {
        if (lock) return hold();
        if (over) return;
        events.follower();
        // Queued behind the owner: granted when it closes or gives up.
        navigator.locks.request(name, { signal: waiting.signal }, hold).catch(() => undefined);
      })
      .catch(() => undefined);
  };
  // The lock the core took for this tab while the engine downloaded (early-election.ts).
  const early = takeEarlyLock(name);
  if (!early) request();
  else {
    void early.then((release) => {
      if (release) void hold().then(release);
      else if (!over) request();
    });
  }
  return () => {
    over = true;
    waiting.abort();
    giveUp();
  };
}
