import { describe, expect, it } from 'vitest';
import { schemaProblems } from '../../../testkit/json-schema';
import { SBC_WSS_URL } from '../../../testkit/topology';
import { sendReportBeacon } from './beacon';
import { type CallFacts, ReportCollector, summarize } from './report';
import schema from './report.schema.json';
import { makeSample } from './test-support/samples';

const facts: CallFacts = {
  callId: 'call-1',
  direction: 'outgoing',
  target: 'sip:echo@helpline.test',
  createdAt: 1_000,
  answeredAt: 2_500,
  endedAt: 62_500,
  endCause: 'hangup-local',
  server: SBC_WSS_URL,
  region: undefined,
};

describe('summarize', () => {
  it('gives min, avg, max and the nearest-rank 95th percentile', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20 … 1, unsorted order
    expect(summarize(values)).toEqual({ min: 1, avg: 10.5, max: 20, p95: 19 });
    expect(summarize([7])).toEqual({ min: 7, avg: 7, max: 7, p95: 7 });
    expect(summarize([])).toBeNull();
  });

  it('lets a single spike show in the p95 of a short call but not of a long one', () => {
    const short = [...Array(9).fill(50), 900];
    const long = [...Array(99).fill(50), 900];
    expect(summarize(short)?.p95).toBe(900);
    expect(summarize(long)?.p95).toBe(50);
  });
});

describe('ReportCollector', () => {
  it('aggregates the samples not taken on hold, and times the call', () => {
    const collector = new ReportCollector();
    collector.addSample(makeSample({ rttMs: 40, mos: 4.4, inbound: { jitterMs: 4 } }));
    collector.addSample(makeSample({ rttMs: 80, mos: 4.0, inbound: { jitterMs: 8 } }));
    collector.addSample(
      makeSample({ held: true, rttMs: 900, mos: 1, inbound: { packets: 0, lossFraction: 0 } }),
    );
    collector.addSample(
      makeSample({ rttMs: null, mos: null, inbound: { lossFraction: 0.1, lost: 5 } }),
    );
    collector.addWarning({ warning: 'high-rtt', raised: true, value: 500, at: 10_000 });
    collector.addFarEnd([{ warning: 'high-loss', raised: true, at: 12_000 }], {
      inbound: 2.9,
      outbound: null,
    });
    collector.addFarEnd([{ warning: 'high-loss', raised: false, at: 20_000 }], undefined);
    const report = collector.build(facts);
    expect(report.sampleCount).toBe(4);
    expect(report.durationMs).toBe(60_000);
    expect(report.setupMs).toBe(1_500);
    expect(report.metrics.rttMs).toEqual({ min: 40, avg: 60, max: 80, p95: 80 });
    expect(report.metrics.mos?.max).toBe(4.4);
    expect(report.metrics.mosOutbound).toEqual({ min: 4.38, avg: 4.38, max: 4.38, p95: 4.38 });
    // The far end's view: its warnings in order, its last MOS pair (a report without keeps it).
    expect(report.farEnd).toEqual({
      warnings: [
        { warning: 'high-loss', raised: true, at: 12_000 },
        { warning: 'high-loss', raised: false, at: 20_000 },
      ],
      mos: { inbound: 2.9, outbound: null },
    });
    expect(report.metrics.lossFraction).toEqual({ min: 0, avg: 0.1 / 3, max: 0.1, p95: 0.1 });
    expect(report.codec).toEqual({ mimeType: 'audio/opus', clockRate: 48000 });
    expect(report.warnings).toEqual([
      { warning: 'high-rtt', raised: true, value: 500, at: 10_000 },
    ]);
    expect(report.server).toBe(SBC_WSS_URL);
    expect(schemaProblems(schema, report)).toEqual([]);
  });

  it('reports an unanswered call without samples', () => {
    const report = new ReportCollector().build({
      ...facts,
      answeredAt: undefined,
      endCause: 'busy',
    });
    expect(report).toMatchObject({
      answeredAt: null,
      durationMs: 0,
      setupMs: null,
      sampleCount: 0,
      codec: null,
      metrics: { rttMs: null, jitterMs: null, lossFraction: null, mos: null, mosOutbound: null },
      farEnd: { warnings: [], mos: null },
    });
    expect(schemaProblems(schema, report)).toEqual([]);
  });

  it('is checked by the schema: a wrong field is reported', () => {
    const report = new ReportCollector().build(facts);
    expect(schemaProblems(schema, { ...report, schemaVersion: 1 })).toEqual([
      '$.schemaVersion: must be equal to constant: 2, got 1',
    ]);
    expect(schemaProblems(schema, { ...report, extra: true })).toEqual([
      '$: must NOT have additional properties: extra',
    ]);
  });
});

describe('sendReportBeacon', () => {
  it('posts the report as JSON that matches the schema', async () => {
    const sent: { url: string; body: unknown }[] = [];
    const original = navigator.sendBeacon;
    navigator.sendBeacon = (url: string | URL, body?: BodyInit | null) => {
      sent.push({ url: String(url), body });
      return true;
    };
    try {
      const collector = new ReportCollector();
      collector.addSample(makeSample());
      const report = collector.build(facts);
      expect(sendReportBeacon('https://stats.example/calls', report)).toBe(true);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.url).toBe('https://stats.example/calls');
      const payload: unknown = JSON.parse(sent[0]!.body as string);
      expect(payload).toEqual(report);
      expect(schemaProblems(schema, payload)).toEqual([]);
    } finally {
      navigator.sendBeacon = original;
    }
  });
});
