/**
 * A call whose transfers and added parties cannot be loaded (call-refers.ts: a chunk of its
 * own in the script-tag build, and the network went away): each use fails as a refused one
 * does, with its event and an error, nothing throws, and the call goes on.
 */
import { describe, expect, it, vi } from 'vitest';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { record } from './test-support/waits';
import type { CallEventMap } from './types';

// A factory that throws would fail vitest's own module loading, not the call's import:
// the module's function fails instead, which the call meets on the same path.
vi.mock('./call-refers', () => ({
  callRefers: () => {
    throw new TypeError('Failed to fetch dynamically imported module');
  },
}));

const fake = useFakeSbc();

describe('a call without its transfers and parties module', () => {
  it('fails a transfer and an addition, says why, sends nothing, and the call goes on', async () => {
    const call = await fake.answeredCall();
    const errors = record<CallEventMap, 'error'>(call.on.bind(call), 'error');
    const transfers = record<CallEventMap, 'transfer'>(call.on.bind(call), 'transfer');

    const transfer = await call.transfer('agent2');
    const addition = await call.addParticipant('agent8');

    expect(transfer).toMatchObject({ state: 'failed', target: 'agent2' });
    expect(transfers).toEqual([transfer]);
    expect(addition).toMatchObject({ state: 'add-failed', target: 'agent8' });
    expect(errors.map((error) => error.code)).toEqual(['transfer-failed', 'participant-failed']);
    expect(call.participants).toEqual([]);
    expect(fake.sbc.requests('REFER')).toEqual([]);
    expect(call.state).toBe('active');
  });
});
