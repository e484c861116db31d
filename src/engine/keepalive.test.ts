import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../../testkit/poll';
import { Keepalive } from './keepalive';

/** The keepalive's timers run in tens of ms: poll every 5 ms, fail the test after 2 s. */
const QUICK = { timeoutMs: 2000, intervalMs: 5 };

const running: Keepalive[] = [];
afterEach(() => {
  for (const keepalive of running.splice(0)) keepalive.stop();
});

function watch(intervalMs: number, timeoutMs: number) {
  const seen = { pings: 0, dead: [] as number[] };
  const keepalive = new Keepalive({
    intervalMs,
    timeoutMs,
    ping: () => {
      seen.pings += 1;
    },
    dead: (silentMs) => seen.dead.push(silentMs),
  });
  running.push(keepalive);
  return { keepalive, seen };
}

describe('Keepalive', () => {
  it('pings a quiet connection and declares it dead when the ping goes unanswered', async () => {
    const { keepalive, seen } = watch(40, 60);
    const started = Date.now();
    keepalive.start();
    await poll(() => seen.dead.length > 0, QUICK);
    expect(seen.pings).toBe(1);
    // Dead after the idle interval plus the answer timeout, not before.
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(seen.dead[0]).toBeGreaterThanOrEqual(100);
    // Called once: it stops itself.
    const pings = seen.pings;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen.dead).toHaveLength(1);
    expect(seen.pings).toBe(pings);
  });

  it('keeps a connection that answers its pings alive', async () => {
    const { keepalive, seen } = watch(20, 60);
    let answered = 0;
    keepalive.start();
    // Answer each ping (the OPTIONS 200) as it goes out.
    while (answered < 5) {
      await poll(() => seen.pings > answered, QUICK);
      answered += 1;
      keepalive.received();
    }
    expect(seen.dead).toEqual([]);
  });

  it('does not ping while data keeps arriving', async () => {
    const { keepalive, seen } = watch(80, 60);
    keepalive.start();
    const until300 = Date.now() + 300;
    while (Date.now() < until300) {
      keepalive.received();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen.pings).toBe(0);
    expect(seen.dead).toEqual([]);
  });

  it('pingNow() probes at once, but not twice while an answer is pending', async () => {
    const { keepalive, seen } = watch(10_000, 50);
    keepalive.start();
    keepalive.pingNow();
    keepalive.pingNow();
    expect(seen.pings).toBe(1);
    await poll(() => seen.dead.length === 1, QUICK);
  });

  it('stop() cancels everything', async () => {
    const { keepalive, seen } = watch(10, 10);
    keepalive.start();
    keepalive.pingNow();
    keepalive.stop();
    keepalive.received();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.pings).toBe(1);
    expect(seen.dead).toEqual([]);
  });
});
