import { describe, expect, it } from 'vitest';
import recorded from './fixtures/chromium-loopback.json';
import { codecProfile, mosFromR, rFactor } from './mos';
import { computeSample } from './sample';
import { readSnapshot } from './stats-snapshot';

/**
 * Two consecutive getStats() reports (one second apart) recorded in Chromium from a
 * loopback call between two peer connections (Opus, host candidates on 127.0.0.1),
 * trimmed to the entries the sampler reads.
 */
type Entry = Record<string, unknown>;
const [first, second] = recorded as unknown as [Record<string, Entry>, Record<string, Entry>];

function report(entries: Record<string, Entry>): Map<string, Entry> {
  return new Map(Object.entries(entries));
}

/** A copy of a recorded report with some fields of its inbound-rtp entry changed. */
function withInbound(entries: Record<string, Entry>, changes: Entry): Map<string, Entry> {
  const copy = structuredClone(entries);
  const inbound = Object.values(copy).find((entry) => entry.type === 'inbound-rtp')!;
  Object.assign(inbound, changes);
  return report(copy);
}

/** A copy of a recorded report with some fields of its remote-inbound-rtp entry changed. */
function withRemote(entries: Record<string, Entry>, changes: Entry): Map<string, Entry> {
  const copy = structuredClone(entries);
  const remote = Object.values(copy).find((entry) => entry.type === 'remote-inbound-rtp')!;
  Object.assign(remote, changes);
  return report(copy);
}

/** A copy of a recorded report whose microphone track (`SA1`) has these energy counters. */
function withSource(entries: Record<string, Entry>, energy: number, seconds: number) {
  const copy = structuredClone(entries);
  copy.SA1 = {
    id: 'SA1',
    type: 'media-source',
    kind: 'audio',
    totalAudioEnergy: energy,
    totalSamplesDuration: seconds,
  };
  return report(copy);
}

function inboundOf(entries: Record<string, Entry>): Entry {
  return Object.values(entries).find((entry) => entry.type === 'inbound-rtp')!;
}

const context = { at: 1000, held: false, muted: false, iceConnectionState: 'connected' as const };

describe("our microphone's level", () => {
  it("is the RMS of the interval, from the sent track's media-source energy", () => {
    // 0.0025 of energy over one second: a mean power of 0.0025, an RMS level of 0.05.
    const sample = computeSample(
      readSnapshot(withSource(first, 0.5, 10)),
      readSnapshot(withSource(second, 0.5025, 11)),
      context,
    );
    expect(sample.outbound.audioLevel).toBeCloseTo(0.05, 6);
    expect(sample.muted).toBe(false);
  });

  it('is unknown when the browser does not report the track', () => {
    const sample = computeSample(
      readSnapshot(report(first)),
      readSnapshot(report(second)),
      context,
    );
    expect(sample.outbound.audioLevel).toBeNull();
  });
});

describe('readSnapshot', () => {
  it('reads codec, path and counters of a recorded report', () => {
    const snapshot = readSnapshot(report(second));
    expect(snapshot.codec).toEqual({ mimeType: 'audio/opus', clockRate: 48000 });
    expect(snapshot.path).toEqual({
      localType: 'host',
      remoteType: 'host',
      protocol: 'udp',
      relay: false,
    });
    expect(snapshot.inbound?.packetsReceived).toBe(353);
    expect(snapshot.remoteInbound?.roundTripTime).toBeCloseTo(0.001083, 6);
  });

  it('leaves out what a report without media does not have', () => {
    const snapshot = readSnapshot(new Map([['P', { id: 'P', type: 'peer-connection' }]]));
    expect(snapshot.inbound).toBeUndefined();
    expect(snapshot.codec).toBeUndefined();
    expect(snapshot.path).toBeUndefined();
  });
});

describe('computeSample', () => {
  it('gives per-interval values from two recorded reports', () => {
    const sample = computeSample(
      readSnapshot(report(first)),
      readSnapshot(report(second)),
      context,
    );
    const a = inboundOf(first);
    const b = inboundOf(second);
    expect(sample.intervalMs).toBeCloseTo(1000.8, 1);
    expect(sample.inbound.packets).toBe(51);
    expect(sample.inbound.lost).toBe(0);
    expect(sample.inbound.lossFraction).toBe(0);
    expect(sample.inbound.jitterMs).toBeCloseTo(3, 6);
    // (15321.6 − 13468.8) s over (334080 − 286080) samples.
    expect(sample.inbound.jitterBufferDelayMs).toBeCloseTo((1852.8 / 48000) * 1000, 3);
    const energy = (b.totalAudioEnergy as number) - (a.totalAudioEnergy as number);
    const seconds = (b.totalSamplesDuration as number) - (a.totalSamplesDuration as number);
    expect(sample.inbound.audioEnergy).toBeCloseTo(energy, 9);
    expect(sample.inbound.audioLevel).toBeCloseTo(Math.sqrt(energy / seconds), 9);
    expect(sample.inbound.concealmentRatio).toBe(0);
    expect(sample.inbound.bitrateKbps).toBeCloseTo(((28307 - 24176) * 8) / 1000.8, 1);
    expect(sample.outbound.packets).toBeGreaterThan(40);
    expect(sample.remote.rttMs).toBeCloseTo(1.083, 3);
    expect(sample.rttMs).toBeCloseTo(1.083, 3);
    expect(sample.codec?.mimeType).toBe('audio/opus');
    // Opus on loopback: 0.5 ms + ~38.6 ms jitter buffer + 26.5 ms codec.
    expect(sample.oneWayDelayMs).toBeCloseTo(0.54 + 38.6 + 26.5, 0);
    expect(sample.mos!).toBeGreaterThan(4.3);
    expect(sample.iceConnectionState).toBe('connected');
  });

  it('computes loss over the interval only, not since the call began', () => {
    const before = withInbound(first, { packetsLost: 100 });
    const after = withInbound(second, { packetsLost: 109 });
    const sample = computeSample(readSnapshot(before), readSnapshot(after), context);
    expect(sample.inbound.lost).toBe(9);
    expect(sample.inbound.lossFraction).toBeCloseTo(9 / 60, 9);
    const clean = computeSample(readSnapshot(report(first)), readSnapshot(report(second)), context);
    expect(sample.mos!).toBeLessThan(clean.mos! - 0.5);
  });

  it('rates a deeper jitter buffer lower: jitter reaches the MOS through the buffer', () => {
    // 200 ms more buffer over the interval's 48000 emitted samples (the jitter a path adds
    // is paid for in buffer depth, which e2e/quality/02-impairment-proof.spec.ts records).
    const deeper = withInbound(second, {
      jitterBufferDelay: (inboundOf(second).jitterBufferDelay as number) + 0.2 * 48000,
    });
    const clean = computeSample(readSnapshot(report(first)), readSnapshot(report(second)), context);
    const buffered = computeSample(readSnapshot(report(first)), readSnapshot(deeper), context);
    expect(buffered.inbound.jitterBufferDelayMs! - clean.inbound.jitterBufferDelayMs!).toBeCloseTo(
      200,
      6,
    );
    expect(buffered.oneWayDelayMs! - clean.oneWayDelayMs!).toBeCloseTo(200, 6);
    expect(buffered.mos!).toBeLessThan(clean.mos! - 0.1);
  });

  it('does not count late packets (packetsLost going down) as negative loss', () => {
    const before = withInbound(first, { packetsLost: 10 });
    const after = withInbound(second, { packetsLost: 8 });
    const sample = computeSample(readSnapshot(before), readSnapshot(after), context);
    expect(sample.inbound.lost).toBe(0);
    expect(sample.inbound.lossFraction).toBe(0);
  });

  it('measures silence from the audio energy, even while packets flow', () => {
    const silent = withInbound(second, {
      totalAudioEnergy: inboundOf(first).totalAudioEnergy,
      audioLevel: 0,
    });
    const sample = computeSample(readSnapshot(report(first)), readSnapshot(silent), context);
    expect(sample.inbound.packets).toBe(51);
    expect(sample.inbound.audioLevel).toBe(0);
  });

  it('rates nothing when no packet arrived in the interval', () => {
    const stalled = withInbound(second, inboundOf(first));
    const sample = computeSample(readSnapshot(report(first)), readSnapshot(stalled), context);
    expect(sample.inbound.packets).toBe(0);
    expect(sample.mos).toBeNull();
    expect(sample.inbound.jitterBufferDelayMs).toBeNull();
  });

  it('rates what the far end hears from its receiver report, with the same E-model', () => {
    const clean = computeSample(readSnapshot(report(first)), readSnapshot(report(second)), context);
    // Loopback, no loss: the far end hears about as well as we do.
    expect(clean.mosOutbound!).toBeGreaterThan(4.3);
    // 10 % lost on the way out and 20 ms of jitter at the far end, inbound unchanged.
    const lossy = withRemote(second, { fractionLost: 0.1, packetsLost: 5, jitter: 0.02 });
    const sample = computeSample(readSnapshot(report(first)), readSnapshot(lossy), context);
    expect(sample.mos).toBeCloseTo(clean.mos!, 9);
    expect(sample.remote.lossFraction).toBe(0.1);
    // RTT/2 + twice the far end's jitter (its buffer, not reported) + Opus's 26.5 ms.
    const opus = codecProfile('audio/opus');
    const r = rFactor({ oneWayDelayMs: 1.083 / 2 + 40 + 26.5, lossFraction: 0.1, codec: opus });
    expect(sample.rFactorOutbound).toBeCloseTo(r, 6);
    expect(sample.mosOutbound).toBeCloseTo(mosFromR(r), 6);
    expect(sample.mosOutbound!).toBeLessThan(sample.mos! - 0.5);
  });

  it('rates nothing outbound without a receiver report or without packets sent', () => {
    const withoutRtcp = (entries: Record<string, Entry>) =>
      new Map(Object.entries(entries).filter(([, e]) => e.type !== 'remote-inbound-rtp'));
    const unreported = computeSample(
      readSnapshot(withoutRtcp(first)),
      readSnapshot(withoutRtcp(second)),
      context,
    );
    expect(unreported.mosOutbound).toBeNull();
    expect(unreported.rFactorOutbound).toBeNull();
    const stalled = computeSample(
      readSnapshot(report(first)),
      readSnapshot(report(first)),
      context,
    );
    expect(stalled.outbound.packets).toBe(0);
    expect(stalled.mosOutbound).toBeNull();
  });

  it('falls back to the candidate pair round trip without RTCP', () => {
    const withoutRtcp = (entries: Record<string, Entry>) =>
      new Map(Object.entries(entries).filter(([, e]) => e.type !== 'remote-inbound-rtp'));
    const sample = computeSample(
      readSnapshot(withoutRtcp(first)),
      readSnapshot(withoutRtcp(second)),
      context,
    );
    expect(sample.remote.rttMs).toBeNull();
    // The recorded pair's currentRoundTripTime is 0 (loopback).
    expect(sample.rttMs).toBe(0);
    expect(sample.mos).not.toBeNull();
  });
});
