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
});
