import { describe, expect, it } from 'vitest';
import type { PreflightCall } from './types';
import { judge, type PreflightMeasures } from './verdict';

const goodCall: PreflightCall = {
  target: 'echo',
  connected: true,
  endCause: 'hangup-local',
  error: null,
  setupMs: 180,
  rttMs: 20,
  jitterMs: 2,
  lossFraction: 0,
  mos: 4.4,
  mosOutbound: 4.4,
  path: { localType: 'host', remoteType: 'host', protocol: 'udp', relay: false },
  codec: { mimeType: 'audio/opus', clockRate: 48000 },
  server: 'wss://sbc.test',
  region: null,
};

function measures(call: Partial<PreflightCall> | null, peakLevel = 0.2): PreflightMeasures {
  return {
    browser: { supported: true, missing: [] },
    microphone: { permission: 'granted', peakLevel, error: null },
    call: call && { ...goodCall, ...call },
  };
}

describe('judge', () => {
  it('is good for a connected call rated good with nothing wrong', () => {
    expect(judge(measures({}))).toEqual({ verdict: 'good', problems: [] });
  });

  it('is fair for a MOS in the fair band, or one threshold crossed', () => {
    expect(judge(measures({ mos: 3.8 }))).toEqual({ verdict: 'fair', problems: [] });
    expect(judge(measures({ rttMs: 450 }))).toEqual({ verdict: 'fair', problems: ['high-rtt'] });
    expect(judge(measures({ jitterMs: 45 }))).toEqual({
      verdict: 'fair',
      problems: ['high-jitter'],
    });
  });

  it('is poor when the MOS falls into the poor or bad band, naming what caused it', () => {
    expect(judge(measures({ lossFraction: 0.15, mos: 2.6 }))).toEqual({
      verdict: 'poor',
      problems: ['high-loss', 'low-mos'],
    });
    expect(judge(measures({ mos: 3.2 })).verdict).toBe('poor');
  });

  it('is poor with a silent microphone, however well the line sounds', () => {
    expect(judge(measures({}, 0))).toEqual({ verdict: 'poor', problems: ['microphone-silent'] });
  });

  it('fails when no call can happen: unsupported browser, microphone refused, call failed, no media', () => {
    expect(
      judge({ ...measures(null), browser: { supported: false, missing: ['webrtc'] } }),
    ).toEqual({ verdict: 'failed', problems: ['browser-unsupported'] });
    expect(
      judge({
        ...measures(null),
        microphone: { permission: 'denied', peakLevel: null, error: 'microphone-denied' },
      }),
    ).toEqual({ verdict: 'failed', problems: ['microphone-denied'] });
    expect(
      judge({
        ...measures(null),
        microphone: { permission: 'prompt', peakLevel: null, error: 'microphone-missing' },
      }).problems,
    ).toEqual(['microphone-missing']);
    expect(
      judge(
        measures({ connected: false, mos: null, error: 'connection-failed', endCause: 'failed' }),
      ),
    ).toEqual({ verdict: 'failed', problems: ['call-failed'] });
    expect(judge(measures({ mos: null, rttMs: null }))).toEqual({
      verdict: 'failed',
      problems: ['no-media'],
    });
  });
});
