/** Builds quality samples for tests: a healthy call's values, with what a test changes. */
import type { InboundQuality, OutboundQuality, QualitySample } from '../types';

export interface SampleChanges extends Partial<Omit<QualitySample, 'inbound' | 'outbound'>> {
  inbound?: Partial<InboundQuality>;
  outbound?: Partial<OutboundQuality>;
}

export function makeSample(changes: SampleChanges = {}): QualitySample {
  const { inbound, outbound, ...rest } = changes;
  return {
    at: 0,
    intervalMs: 1000,
    held: false,
    muted: false,
    inbound: {
      packets: 50,
      lost: 0,
      lossFraction: 0,
      jitterMs: 5,
      audioLevel: 0.1,
      audioEnergy: 0.01,
      concealmentRatio: 0,
      jitterBufferDelayMs: 40,
      bitrateKbps: 32,
      ...inbound,
    },
    outbound: { packets: 50, bitrateKbps: 32, audioLevel: 0.1, ...outbound },
    remote: { rttMs: 40, lossFraction: 0, packetsLost: 0, jitterMs: 4 },
    rttMs: 40,
    oneWayDelayMs: 86.5,
    rFactor: 92,
    mos: 4.38,
    rFactorOutbound: 92,
    mosOutbound: 4.38,
    codec: { mimeType: 'audio/opus', clockRate: 48000 },
    path: { localType: 'host', remoteType: 'host', protocol: 'udp', relay: false },
    iceConnectionState: 'connected',
    ...rest,
  };
}
