/**
 * Reconnection delays: exponential growth with jitter, capped, reset once a connection
 * has stayed up long enough to count as stable (so a server that accepts and drops at
 * once cannot make every client reconnect in a tight loop).
 */

export interface BackoffPolicy {
  /** First delay, ms. */
  initialMs: number;
  /** Largest delay, ms. */
  maxMs: number;
  /** Share of each delay that is random, 0-1 (spreads clients after an outage). */
  jitter: number;
  /** Connected this long, the next failure starts again from `initialMs`. */
  stableAfterMs: number;
}

/** 1 s → 30 s. (JsSIP re-calls connect() 1 s after a drop at the earliest anyway.) */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1000,
  maxMs: 30_000,
  jitter: 0.5,
  stableAfterMs: 10_000,
};

/** Delay before retry number `attempt` (0-based); `random` in [0, 1). */
export function backoffDelay(attempt: number, random: number, policy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, attempt), 30);
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.round(base * (1 - policy.jitter) + base * policy.jitter * random);
}

/** Tracks attempts across connects and disconnects. Time and randomness are passed in. */
export class Backoff {
  private attempt = 0;
  private connectedAt: number | undefined;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** Attempts counted since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next retry; counts it as an attempt. */
  next(): number {
    const delay = backoffDelay(this.attempt, this.random(), this.policy);
    this.attempt += 1;
    return delay;
  }

  /** The connection came up at `now` (ms). */
  connected(now: number): void {
    this.connectedAt = now;
  }

  /** The connection went down at `now` (ms): reset if it had been stable. */
  disconnected(now: number): void {
    if (this.connectedAt !== undefined && now - this.connectedAt >= this.policy.stableAfterMs) {
      this.attempt = 0;
    }
    this.connectedAt = undefined;
  }

  /** Start over (after a deliberate stop). */
  reset(): void {
    this.attempt = 0;
    this.connectedAt = undefined;
  }
}
