import { describe, expect, it } from 'vitest';
import recorded from './fixtures/firefox-echo.json';
import { computeSample } from './sample';
import { readSnapshot } from './stats-snapshot';

/**
 * Two getStats() reports one second apart, recorded in Firefox ESR 153 during journey 28's
 * call to echo through rtpengine (PCMU, host candidates on 127.0.0.1), trimmed to the
 * entries the sampler reads. Firefox differs from Chromium here: its `media-source` has no
 * energy and its `outbound-rtp` no `mediaSourceId`, and its candidate pair's
 * `currentRoundTripTime` is 0.
 */
type Entry = Record<string, unknown>;
const [first, second] = recorded as unknown as [Record<string, Entry>, Record<string, Entry>];

function report(entries: Record<string, Entry>): Map<string, Entry> {
  return new Map(Object.entries(entries));
}

describe("readSnapshot of Firefox's report", () => {
  const snapshot = readSnapshot(report(second));

  it('reads both streams, the codec, the path and the RTCP round trip', () => {
    expect(snapshot.inbound?.packetsReceived).toBeGreaterThan(0);
    expect(snapshot.inbound?.totalAudioEnergy).toBeGreaterThan(0);
    expect(snapshot.outbound?.packetsSent).toBeGreaterThan(0);
    expect(snapshot.codec).toEqual({ mimeType: 'audio/PCMU', clockRate: 8000 });
    expect(snapshot.path).toEqual({
      localType: 'host',
      remoteType: 'host',
      protocol: 'udp',
      relay: false,
    });
    expect(snapshot.remoteInbound?.roundTripTime).toBeGreaterThan(0);
  });

  it('has no microphone energy (no media-source figures to read)', () => {
    expect(snapshot.outbound?.totalAudioEnergy).toBeUndefined();
    expect(snapshot.outbound?.totalSamplesDuration).toBeUndefined();
  });
});

describe("computeSample from Firefox's reports", () => {
  const sample = computeSample(readSnapshot(report(first)), readSnapshot(report(second)), {
    at: 0,
    held: false,
    muted: false,
    iceConnectionState: 'connected',
  });

  it('has packets, bitrates and a MOS both ways', () => {
    expect(sample.inbound.packets).toBeGreaterThan(0);
    expect(sample.inbound.bitrateKbps).toBeGreaterThan(0);
    expect(sample.inbound.audioLevel).toBeGreaterThan(0);
    expect(sample.outbound.packets).toBeGreaterThan(0);
    expect(sample.outbound.bitrateKbps).toBeGreaterThan(0);
    expect(sample.rttMs).toBeGreaterThan(0);
    expect(sample.mos).not.toBeNull();
    expect(sample.mosOutbound).not.toBeNull();
  });

  it('says the microphone level is unknown rather than silent', () => {
    expect(sample.outbound.audioLevel).toBeNull();
  });
});
