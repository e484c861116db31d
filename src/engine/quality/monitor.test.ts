import { describe, expect, it, vi } from 'vitest';
import type { FarEndReport } from './far-end';
import recorded from './fixtures/chromium-loopback.json';
import { QualityMonitor } from './monitor';
import type { CallFacts } from './report';
import { DEFAULT_THRESHOLDS } from './thresholds';
import type { QualitySample, QualityWarningChange } from './types';

type Entry = Record<string, unknown>;
const [first] = recorded as unknown as [Record<string, Entry>];

/** A peer connection whose getStats() replays the recorded report, `packets` advancing as told. */
function fakePeerConnection() {
  let packets = 1000;
  let timestamp = 1_000_000;
  const pc = {
    iceConnectionState: 'connected' as RTCIceConnectionState,
    /** Inbound packets added per read (0: the far end went quiet). */
    packetsPerRead: 50,
    reads: 0,
    async getStats() {
      pc.reads += 1;
      packets += pc.packetsPerRead;
      timestamp += 1000;
      const copy = structuredClone(first);
      for (const entry of Object.values(copy)) {
        entry.timestamp = timestamp;
        if (entry.type === 'inbound-rtp') entry.packetsReceived = packets;
        if (entry.type === 'outbound-rtp') entry.packetsSent = packets;
      }
      return new Map(Object.entries(copy));
    },
  };
  return pc;
}

const settings = { intervalMs: 100, thresholds: DEFAULT_THRESHOLDS };

const facts: CallFacts = {
  callId: 'c',
  direction: 'outgoing',
  target: 'sip:echo@helpline.test',
  createdAt: 0,
  answeredAt: 10,
  endedAt: 20,
  endCause: 'hangup-local',
  server: undefined,
  region: undefined,
};

function setup() {
  const pc = fakePeerConnection();
  const samples: QualitySample[] = [];
  const warnings: QualityWarningChange[] = [];
  const shares: FarEndReport[] = [];
  let held = false;
  const waiters: (() => void)[] = [];
  const monitor = new QualityMonitor({
    peerConnection: () => pc as unknown as RTCPeerConnection,
    isHeld: () => held,
    isMuted: () => false,
    onSample: (sample) => {
      samples.push(sample);
      for (const wake of waiters.splice(0)) wake();
    },
    onWarning: (change) => warnings.push(change),
    onShare: (report) => shares.push(report),
  });
  /** Resolves once `count` samples in total were emitted. */
  const samplesReached = async (count: number) => {
    while (samples.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const setHeld = (value: boolean) => {
    held = value;
  };
  return { pc, monitor, samples, warnings, shares, samplesReached, setHeld };
}

describe('QualityMonitor', () => {
  it('emits a sample per interval from consecutive getStats() reports', async () => {
    const { monitor, samples, samplesReached } = setup();
    expect(monitor.sample).toBeNull();
    monitor.start(settings);
    await samplesReached(3);
    monitor.finish(facts);
    expect(samples.every((sample) => sample.inbound.packets === 50)).toBe(true);
    expect(samples[0]!.intervalMs).toBe(1000);
    expect(monitor.sample).toBe(samples.at(-1));
    expect(monitor.warnings).toEqual([]);
  });

  it('raises a warning while answered, and none while on hold', async () => {
    const { pc, monitor, samples, warnings, samplesReached, setHeld } = setup();
    monitor.start(settings);
    await samplesReached(1);
    pc.packetsPerRead = 0;
    setHeld(true);
    await samplesReached(samples.length + 5);
    expect(samples.at(-1)!.held).toBe(true);
    expect(warnings).toEqual([]);
    setHeld(false);
    await samplesReached(samples.length + 3);
    monitor.finish(facts);
    expect(warnings).toEqual([{ warning: 'no-inbound-packets', raised: true, value: 0 }]);
  });

  it('clears raised warnings when the call goes on hold', async () => {
    const { pc, monitor, warnings, samples, samplesReached, setHeld } = setup();
    monitor.start(settings);
    pc.packetsPerRead = 0;
    await samplesReached(3);
    expect(monitor.warnings).toEqual(['no-inbound-packets']);
    setHeld(true);
    await samplesReached(samples.length + 1);
    const report = monitor.finish(facts);
    expect(warnings.map((w) => w.raised)).toEqual([true, false]);
    expect(monitor.warnings).toEqual([]);
    expect(report.warnings.map((w) => [w.warning, w.raised])).toEqual([
      ['no-inbound-packets', true],
      ['no-inbound-packets', false],
    ]);
  });

  it('rates both directions and reports both in the summary', async () => {
    const { monitor, samples, samplesReached } = setup();
    monitor.start(settings);
    await samplesReached(3);
    const report = monitor.finish(facts);
    expect(samples.every((sample) => sample.mosOutbound !== null)).toBe(true);
    expect(report.metrics.mos?.avg).toBeGreaterThan(4.3);
    expect(report.metrics.mosOutbound?.avg).toBeGreaterThan(4.3);
  });

  it('tells the far end once its rating is known, then only when what it shows changes', async () => {
    const { pc, monitor, shares, samples, samplesReached } = setup();
    monitor.start(settings);
    await samplesReached(5);
    // Five good samples: one report, when both directions got their first rating.
    expect(shares).toHaveLength(1);
    expect(shares[0]!.warnings).toEqual([]);
    expect(shares[0]!.mos?.inbound).toBeGreaterThan(4.3);
    expect(shares[0]!.mos?.outbound).toBeGreaterThan(4.3);
    pc.packetsPerRead = 0;
    await samplesReached(samples.length + 3);
    monitor.finish(facts);
    expect(shares.map((share) => share.warnings)).toEqual([[], ['no-inbound-packets']]);
  });

  it("keeps the far end's reports for the call's report: its warnings over time, its last MOS", () => {
    const { monitor } = setup();
    expect(monitor.setFarEnd({ warnings: ['high-loss'], mos: { inbound: 2.1, outbound: 4 } })).toBe(
      true,
    );
    expect(monitor.setFarEnd({ warnings: ['high-loss'] })).toBe(false);
    expect(monitor.farEndWarnings).toEqual(['high-loss']);
    expect(monitor.setFarEnd({ warnings: ['high-jitter'] })).toBe(true);
    const report = monitor.finish(facts);
    expect(report.farEnd.warnings.map((w) => [w.warning, w.raised])).toEqual([
      ['high-loss', true],
      ['high-loss', false],
      ['high-jitter', true],
    ]);
    expect(report.farEnd.warnings.every((w) => typeof w.at === 'number')).toBe(true);
    expect(report.farEnd.mos).toEqual({ inbound: 2.1, outbound: 4 });
    expect(monitor.setFarEnd({ warnings: [] })).toBe(false);
  });

  it('stops reading at finish and keeps the first report', async () => {
    vi.useFakeTimers();
    try {
      const { pc, monitor, samples } = setup();
      monitor.start(settings);
      await vi.advanceTimersByTimeAsync(250);
      expect(samples).toHaveLength(2);
      const report = monitor.finish(facts);
      const reads = pc.reads;
      await vi.advanceTimersByTimeAsync(1000);
      expect(pc.reads).toBe(reads);
      expect(monitor.finish({ ...facts, endCause: 'failed' })).toBe(report);
      expect(monitor.report).toBe(report);
      expect(report.sampleCount).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
