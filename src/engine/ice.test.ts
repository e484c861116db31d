import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { boundIceGathering, HOST_ONLY_GRACE_MS, ICE_GRACE_MS, iceGraceMs } from './ice';

const candidate = (type: RTCIceCandidateType) => ({ type }) as RTCIceCandidate;

describe('iceGraceMs', () => {
  it('keeps the grace for srflx/relay answers when STUN/TURN servers are configured', () => {
    expect(iceGraceMs(true)).toBe(ICE_GRACE_MS);
  });

  it('releases almost at once when only host candidates can come', () => {
    expect(iceGraceMs(false)).toBe(HOST_ONLY_GRACE_MS);
    expect(HOST_ONLY_GRACE_MS).toBeLessThan(ICE_GRACE_MS);
  });
});

describe('boundIceGathering', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends shortly after the first host candidate without servers', () => {
    const ready = vi.fn();
    boundIceGathering({ timeoutMs: 1000, hasIceServers: false })({
      candidate: candidate('host'),
      ready,
    });
    vi.advanceTimersByTime(HOST_ONLY_GRACE_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ready).toHaveBeenCalled();
  });

  it('waits past host candidates for a srflx one, then its grace, with servers', () => {
    const ready = vi.fn();
    const onCandidate = boundIceGathering({ timeoutMs: 1000, hasIceServers: true });
    onCandidate({ candidate: candidate('host'), ready });
    vi.advanceTimersByTime(100);
    expect(ready).not.toHaveBeenCalled();
    onCandidate({ candidate: candidate('srflx'), ready });
    vi.advanceTimersByTime(ICE_GRACE_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ready).toHaveBeenCalled();
  });
});
