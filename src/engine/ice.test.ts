import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { boundIceGathering, ICE_GRACE_MS } from './ice';

const candidate = (type: RTCIceCandidateType) => ({ type }) as RTCIceCandidate;

describe('boundIceGathering', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends shortly after the first host candidate', () => {
    const ready = vi.fn();
    boundIceGathering({ timeoutMs: 1000 })({ candidate: candidate('host'), ready });
    vi.advanceTimersByTime(ICE_GRACE_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('does not wait for the STUN/TURN servers’ srflx and relay candidates', () => {
    // A relay reaches the SBC's rtpengine without being in the SDP (peer-reflexive, see
    // ice.ts); waiting for its TURN allocation delayed every call (issue 16).
    const ready = vi.fn();
    const onCandidate = boundIceGathering({ timeoutMs: 1000 });
    onCandidate({ candidate: candidate('host'), ready });
    vi.advanceTimersByTime(ICE_GRACE_MS);
    expect(ready).toHaveBeenCalledTimes(1);
    onCandidate({ candidate: candidate('srflx'), ready });
    onCandidate({ candidate: candidate('relay'), ready });
    vi.advanceTimersByTime(1000);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('starts a fresh grace for each gathering round (a re-INVITE’s offer)', () => {
    const onCandidate = boundIceGathering({ timeoutMs: 1000 });
    const first = vi.fn();
    const second = vi.fn();
    onCandidate({ candidate: candidate('host'), ready: first });
    vi.advanceTimersByTime(ICE_GRACE_MS);
    onCandidate({ candidate: candidate('host'), ready: second });
    vi.advanceTimersByTime(ICE_GRACE_MS);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('never waits longer than the configured bound', () => {
    const ready = vi.fn();
    boundIceGathering({ timeoutMs: 2 })({ candidate: candidate('relay'), ready });
    vi.advanceTimersByTime(2);
    expect(ready).toHaveBeenCalledTimes(1);
  });
});
