/** Waiting on a call or a phone in engine tests: conditions polled, never fixed sleeps. */
import { expect } from 'vitest';
import type { CallHandle, CallState } from '../types';

/** Resolves once `call` is in `state`; fails the test after `timeout` ms. */
export async function reach(call: CallHandle, state: CallState, timeout = 5000): Promise<void> {
  await expect.poll(() => call.state, { timeout, interval: 20 }).toBe(state);
}

/** Every payload of `event` from now on, in order (for `on` of a Phone or a Call). */
export function record<M, K extends keyof M>(
  subscribe: (event: K, handler: (payload: M[K]) => void) => () => void,
  event: K,
): M[K][] {
  const seen: M[K][] = [];
  subscribe(event, (payload) => seen.push(payload));
  return seen;
}
