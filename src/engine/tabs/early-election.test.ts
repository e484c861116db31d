/** The tabs' lock taken before the engine is in, with real Web Locks. */
import { afterEach, describe, expect, it } from 'vitest';
import { electEarly, takeEarlyLock } from './early-election';
import { electOwner } from './election';

let lock = 0;
/** A lock name no other test uses. */
const freshName = (): string => `early-election-test ${++lock} ${Math.random()}`;

async function isHeld(name: string): Promise<boolean> {
  const { held = [] } = await navigator.locks.query();
  return held.some((info) => info.name === name);
}

/** Records the election's events in order. */
function recordElection() {
  const events: string[] = [];
  return {
    events,
    on: { owner: () => events.push('owner'), follower: () => events.push('follower') },
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('the tabs lock taken early', () => {
  it('makes this tab the owner: the election takes the lock held for it', async () => {
    const name = freshName();
    electEarly(name);
    await expect.poll(() => isHeld(name), { interval: 10 }).toBe(true);
    const { events, on } = recordElection();
    cleanups.push(electOwner(name, on));
    await expect.poll(() => events, { interval: 10 }).toEqual(['owner']);
  });

  it('is given back when the owner resigns', async () => {
    const name = freshName();
    electEarly(name);
    const { events, on } = recordElection();
    const resign = electOwner(name, on);
    await expect.poll(() => events, { interval: 10 }).toEqual(['owner']);
    resign();
    await expect.poll(() => isHeld(name), { interval: 10 }).toBe(false);
  });

  it('held by another tab: this tab follows, and owns once that tab lets go', async () => {
    const name = freshName();
    let letGo!: () => void;
    const otherTab = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    void navigator.locks.request(name, () => otherTab);
    await expect.poll(() => isHeld(name), { interval: 10 }).toBe(true);
    electEarly(name);
    const { events, on } = recordElection();
    cleanups.push(electOwner(name, on));
    await expect.poll(() => events, { interval: 10 }).toEqual(['follower']);
    letGo();
    await expect.poll(() => events, { interval: 10 }).toEqual(['follower', 'owner']);
  });

  it('is given back when no phone takes it in time', async () => {
    const name = freshName();
    electEarly(name, 200);
    await expect.poll(() => isHeld(name), { interval: 10 }).toBe(true);
    await expect.poll(() => isHeld(name), { interval: 10 }).toBe(false);
    expect(takeEarlyLock(name)).toBeUndefined();
  });

  it('is asked for once per name, and taken once', async () => {
    const name = freshName();
    electEarly(name);
    electEarly(name);
    const release = await takeEarlyLock(name);
    expect(release).toBeTypeOf('function');
    expect(takeEarlyLock(name)).toBeUndefined();
    release?.();
    await expect.poll(() => isHeld(name), { interval: 10 }).toBe(false);
  });
});
