import { describe, expect, it } from 'vitest';
import { DOMAIN, SBC_WSS_URL } from '../../../testkit/topology';
import { validateConfig } from '../config';
import { DEFAULT_THRESHOLDS } from './thresholds';

const base = { servers: [SBC_WSS_URL], domain: DOMAIN, user: 'agent1' };

function errorOf(extra: Record<string, unknown>): string | undefined {
  const result = validateConfig({ ...base, ...extra });
  return result.ok ? undefined : result.error.message;
}

describe('quality configuration', () => {
  it('defaults to 1 s samples, the documented thresholds and no stats URL', () => {
    const result = validateConfig(base);
    expect(result.ok && result.config.statsIntervalMs).toBe(1000);
    expect(result.ok && result.config.qualityThresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(result.ok && result.config.statsUrl).toBeNull();
  });

  it('merges given thresholds over the defaults', () => {
    const result = validateConfig({ ...base, qualityThresholds: { rttMs: 250, mos: 3 } });
    expect(result.ok && result.config.qualityThresholds).toEqual({
      ...DEFAULT_THRESHOLDS,
      rttMs: 250,
      mos: 3,
    });
  });

  it('names the bad field', () => {
    expect(errorOf({ statsIntervalMs: 20 })).toBe('statsIntervalMs must be at least 100: got 20');
    expect(errorOf({ qualityThresholds: { rtt: 5 } })).toMatch(/qualityThresholds has no 'rtt'/);
    expect(errorOf({ qualityThresholds: { lossFraction: 3 } })).toBe(
      'lossFraction must be at most 1: got 3',
    );
    expect(errorOf({ statsUrl: 'http://stats.example/calls' })).toMatch(
      /statsUrl must use https:\/\//,
    );
  });

  it('resolves a relative stats URL against the page', () => {
    const result = validateConfig({ ...base, statsUrl: '/api/call-reports' });
    expect(result.ok && result.config.statsUrl).toBe(`${location.origin}/api/call-reports`);
  });
});
