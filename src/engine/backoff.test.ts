import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 50].map((n) => backoffDelay(n, 1));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  });

  it('keeps the jitter within [50 %, 100 %] of the base', () => {
    expect(backoffDelay(0, 0)).toBe(500);
    expect(backoffDelay(3, 0)).toBe(4000);
    expect(backoffDelay(3, 0.5)).toBe(6000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(20, Math.random());
      expect(delay).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.maxMs / 2);
      expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });

  it('treats a negative attempt as the first', () => {
    expect(backoffDelay(-3, 1)).toBe(1000);
  });
});

describe('Backoff', () => {
  it('grows with each attempt', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 1);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([1000, 2000, 4000]);
    expect(backoff.attempts).toBe(3);
  });

  it('keeps growing when a connection drops before it was stable', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 1);
    backoff.next();
    backoff.next();
    backoff.connected(1000);
    backoff.disconnected(1000 + DEFAULT_BACKOFF.stableAfterMs - 1);
    expect(backoff.next()).toBe(4000);
  });

  it('starts over after a stable connection', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 1);
    backoff.next();
    backoff.next();
    backoff.connected(1000);
    backoff.disconnected(1000 + DEFAULT_BACKOFF.stableAfterMs);
    expect(backoff.next()).toBe(1000);
  });

  it('does not reset on a disconnect without a connection', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 1);
    backoff.next();
    backoff.disconnected(1_000_000);
    expect(backoff.next()).toBe(2000);
  });
});
