/**
 * The far end's quality warnings (far-end.ts): the INFO body, and a call on the fake SBC
 * that receives one.
 */
import { describe, expect, it } from 'vitest';
import { useFakeSbc } from '../test-support/fake-sbc-suite';
import { reach, record } from '../test-support/waits';
import type { CallEventMap } from '../types';
import { farEndReport, QUALITY_INFO_TYPE, readFarEndReport } from './far-end';

describe('far-end quality reports', () => {
  it('round-trips the active warnings, sorted and once each', () => {
    expect(farEndReport(['high-loss'])).toBe('{"warnings":["high-loss"]}');
    expect(
      readFarEndReport(
        `${QUALITY_INFO_TYPE}; charset=utf-8`,
        '{"warnings":["high-loss","high-jitter","high-loss"]}',
      ),
    ).toEqual(['high-jitter', 'high-loss']);
    expect(readFarEndReport(QUALITY_INFO_TYPE, '{"warnings":[]}')).toEqual([]);
  });

  it('reads nothing from another type, other names or shapes, or an oversized body', () => {
    for (const [type, body] of [
      ['application/dtmf-relay', 'Signal=5'],
      [QUALITY_INFO_TYPE, '{"warnings":["<b>bold</b>"]}'],
      [QUALITY_INFO_TYPE, '{"warnings":"high-loss"}'],
      [QUALITY_INFO_TYPE, 'not json'],
      [QUALITY_INFO_TYPE, `{"warnings":[${'"high-loss",'.repeat(60)}"high-loss"]}`],
      [undefined, undefined],
    ] as const) {
      expect(readFarEndReport(type, body), `${type} ${body}`).toBeUndefined();
    }
  });
});

describe('a call told about the far end', () => {
  const fake = useFakeSbc();

  it("shows the far end's warnings as its phone reports them, and ignores malformed reports", async () => {
    const call = fake.phone().call('queue');
    await reach(call, 'active');
    const callId = fake.sbc.lastCallId();
    const events = record<CallEventMap, 'far-end-quality'>(call.on.bind(call), 'far-end-quality');

    expect(await fake.sbc.info(callId, QUALITY_INFO_TYPE, '{"warnings":["high-loss"]}')).toBe(200);
    expect(call.quality.farEndWarnings).toEqual(['high-loss']);
    expect(await fake.sbc.info(callId, QUALITY_INFO_TYPE, '{"warnings":["bogus"]}')).toBe(200);
    expect(await fake.sbc.info(callId, QUALITY_INFO_TYPE, '{"warnings":["high-loss"]}')).toBe(200);
    expect(call.quality.farEndWarnings).toEqual(['high-loss']);
    expect(await fake.sbc.info(callId, QUALITY_INFO_TYPE, '{"warnings":[]}')).toBe(200);

    expect(events.map((event) => event.warnings)).toEqual([['high-loss'], []]);
    expect(call.quality.farEndWarnings).toEqual([]);
  });

  it('keeps the call when the far end does not take our report (408)', async () => {
    // The highest MOS threshold, above what the E-model gives a call: the warning rises at the first samples, and is reported.
    const call = fake
      .phone({ statsIntervalMs: 200, qualityThresholds: { mos: 4.5 } })
      .call('queue');
    await reach(call, 'active');
    fake.sbc.refuseInfo = 408;
    await expect
      .poll(() => fake.sbc.requests('INFO').length, { timeout: 10_000, interval: 50 })
      .toBeGreaterThan(0);
    const report = fake.sbc.requests('INFO')[0]!;
    expect(report.headers.get('content-type')).toEqual([QUALITY_INFO_TYPE]);
    expect(report.body).toContain('low-mos');
    // JsSIP's own sendInfo() would have ended the call on that 408: two samples later, it
    // is still up and no BYE went out.
    const samples = record<CallEventMap, 'quality'>(call.on.bind(call), 'quality');
    await expect.poll(() => samples.length, { timeout: 10_000, interval: 50 }).toBeGreaterThan(1);
    expect(call.state).toBe('active');
    expect(fake.sbc.requests('BYE')).toHaveLength(0);
  });
});
