/**
 * The far end's quality warnings (far-end.ts): the INFO body, and a call on the fake SBC
 * that receives one.
 */
import { describe, expect, it } from 'vitest';
import { useFakeSbc } from '../test-support/fake-sbc-suite';
import { reach, record } from '../test-support/waits';
import type { CallEventMap } from '../types';
import { farEndChanges, farEndReport, QUALITY_INFO_TYPE, readFarEndReport } from './far-end';

describe('far-end quality reports', () => {
  it('round-trips the active warnings, sorted and once each', () => {
    expect(farEndReport(['high-loss'])).toBe('{"warnings":["high-loss"]}');
    expect(
      readFarEndReport(
        `${QUALITY_INFO_TYPE}; charset=utf-8`,
        '{"warnings":["high-loss","high-jitter","high-loss"]}',
      ),
    ).toEqual({ warnings: ['high-jitter', 'high-loss'] });
    expect(readFarEndReport(QUALITY_INFO_TYPE, '{"warnings":[]}')).toEqual({ warnings: [] });
  });

  it('carries our average MOS each way, 2 decimals, null while unrated; other keys are ignored', () => {
    const body = farEndReport(['high-loss'], { inbound: 3.1372, outbound: null });
    expect(body).toBe('{"warnings":["high-loss"],"mos":{"inbound":3.14,"outbound":null}}');
    expect(readFarEndReport(QUALITY_INFO_TYPE, body)).toEqual({
      warnings: ['high-loss'],
      mos: { inbound: 3.14, outbound: null },
    });
    expect(
      readFarEndReport(QUALITY_INFO_TYPE, '{"warnings":[],"mos":{"outbound":4.5},"later":[1]}'),
    ).toEqual({ warnings: [], mos: { inbound: null, outbound: 4.5 } });
    // The largest report this phone writes stays far below the 512 bytes a reader accepts.
    const all = farEndReport(
      [
        'high-jitter',
        'high-loss',
        'high-rtt',
        'ice-disconnected',
        'low-mos',
        'no-inbound-audio',
        'no-inbound-packets',
      ],
      { inbound: 1.23, outbound: 4.5 },
    );
    expect(all.length).toBeLessThan(256);
  });

  it('lists what the far end raised and cleared between two reports', () => {
    expect(farEndChanges(['high-loss', 'low-mos'], ['high-jitter', 'low-mos'], 5)).toEqual([
      { warning: 'high-loss', raised: false, at: 5 },
      { warning: 'high-jitter', raised: true, at: 5 },
    ]);
    expect(farEndChanges(['high-loss'], ['high-loss'], 5)).toEqual([]);
  });

  it('reads nothing from another type, other names or shapes, or an oversized body', () => {
    for (const [type, body] of [
      ['application/dtmf-relay', 'Signal=5'],
      [QUALITY_INFO_TYPE, '{"warnings":["<b>bold</b>"]}'],
      [QUALITY_INFO_TYPE, '{"warnings":"high-loss"}'],
      [QUALITY_INFO_TYPE, 'not json'],
      [QUALITY_INFO_TYPE, `{"warnings":[${'"high-loss",'.repeat(60)}"high-loss"]}`],
      [QUALITY_INFO_TYPE, '{"warnings":[],"mos":3}'],
      [QUALITY_INFO_TYPE, '{"warnings":[],"mos":{"inbound":"4"}}'],
      [QUALITY_INFO_TYPE, '{"warnings":[],"mos":{"inbound":0}}'],
      [QUALITY_INFO_TYPE, '{"warnings":[],"mos":{"outbound":5}}'],
      [QUALITY_INFO_TYPE, '{"mos":{"inbound":4}}'],
      [undefined, undefined],
    ] as const) {
      expect(readFarEndReport(type, body), `${type} ${body}`).toBeUndefined();
    }
  });
});

describe('a call told about the far end', () => {
  const fake = useFakeSbc();

  it("shows the far end's warnings as its phone reports them, keeps them for the report, and ignores malformed reports", async () => {
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

    // The call's report keeps the far end's view: what it raised and cleared, its MOS.
    const body = '{"warnings":[],"mos":{"inbound":2.75,"outbound":4.1}}';
    expect(await fake.sbc.info(callId, QUALITY_INFO_TYPE, body)).toBe(200);
    call.hangup();
    await reach(call, 'ended');
    expect(call.quality.report?.farEnd.warnings.map((w) => [w.warning, w.raised])).toEqual([
      ['high-loss', true],
      ['high-loss', false],
    ]);
    expect(call.quality.report?.farEnd.mos).toEqual({ inbound: 2.75, outbound: 4.1 });
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
    expect(report.body).toMatch(/^\{"warnings":/);
    // JsSIP's own sendInfo() would have ended the call on that 408: two samples later, it
    // is still up and no BYE went out.
    const samples = record<CallEventMap, 'quality'>(call.on.bind(call), 'quality');
    await expect.poll(() => samples.length, { timeout: 10_000, interval: 50 }).toBeGreaterThan(1);
    expect(call.state).toBe('active');
    expect(fake.sbc.requests('BYE')).toHaveLength(0);
  });
});
