/**
 * Reads the audio figures out of one `RTCPeerConnection.getStats()` report into plain,
 * cumulative counters. No arithmetic between reports here (see `sample.ts`), so a report
 * recorded from a real call can be replayed in tests as a `Map` of its entries.
 */
import type { CodecInfo, MediaPath } from './types';

/** Counters of the inbound audio stream (cumulative, as the browser reports them). */
export interface InboundCounters {
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number | undefined;
  /** Seconds. */
  jitter: number | undefined;
  totalAudioEnergy: number | undefined;
  totalSamplesDuration: number | undefined;
  concealedSamples: number | undefined;
  totalSamplesReceived: number | undefined;
  /** Seconds, summed over emitted samples. */
  jitterBufferDelay: number | undefined;
  jitterBufferEmittedCount: number | undefined;
}

export interface OutboundCounters {
  packetsSent: number;
  bytesSent: number | undefined;
  /** Of the microphone track (`media-source`): as the inbound ones, for its level. */
  totalAudioEnergy: number | undefined;
  totalSamplesDuration: number | undefined;
}

/** From the far end's RTCP receiver reports (`remote-inbound-rtp`). */
export interface RemoteInboundFigures {
  /** Seconds. */
  roundTripTime: number | undefined;
  fractionLost: number | undefined;
  packetsLost: number | undefined;
  /** Seconds. */
  jitter: number | undefined;
}

export interface StatsSnapshot {
  /** The report's timestamp, ms (performance time origin based). */
  timestamp: number;
  inbound: InboundCounters | undefined;
  outbound: OutboundCounters | undefined;
  remoteInbound: RemoteInboundFigures | undefined;
  codec: CodecInfo | undefined;
  path: MediaPath | undefined;
  /** ICE consent round trip of the selected pair, seconds. */
  candidatePairRtt: number | undefined;
}

type Stat = Record<string, unknown> & { id?: unknown; type?: unknown };

function num(stat: Stat | undefined, key: string): number | undefined {
  const value = stat?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(stat: Stat | undefined, key: string): string | undefined {
  const value = stat?.[key];
  return typeof value === 'string' ? value : undefined;
}

function isAudio(stat: Stat): boolean {
  // `kind` is the current name; `mediaType` is what older Chromium versions reported.
  return (stat.kind ?? stat.mediaType) === 'audio';
}

function selectedPair(stats: Stat[], byId: Map<string, Stat>): Stat | undefined {
  for (const stat of stats) {
    if (stat.type !== 'transport') continue;
    const pair = byId.get(str(stat, 'selectedCandidatePairId') ?? '');
    if (pair) return pair;
  }
  // Firefox has no transport stats: it flags the pair itself.
  return stats.find(
    (stat) => stat.type === 'candidate-pair' && (stat.selected === true || stat.nominated === true),
  );
}

function pathOf(pair: Stat | undefined, byId: Map<string, Stat>): MediaPath | undefined {
  const local = byId.get(str(pair, 'localCandidateId') ?? '');
  const remote = byId.get(str(pair, 'remoteCandidateId') ?? '');
  if (!local || !remote) return undefined;
  const localType = str(local, 'candidateType') ?? 'unknown';
  const path: MediaPath = {
    localType,
    remoteType: str(remote, 'candidateType') ?? 'unknown',
    protocol: str(local, 'protocol') ?? str(remote, 'protocol') ?? 'unknown',
    relay: localType === 'relay' || str(remote, 'candidateType') === 'relay',
  };
  const relayProtocol = localType === 'relay' ? str(local, 'relayProtocol') : undefined;
  if (relayProtocol) path.relayProtocol = relayProtocol;
  return path;
}

function codecOf(rtp: Stat | undefined, byId: Map<string, Stat>): CodecInfo | undefined {
  const codec = byId.get(str(rtp, 'codecId') ?? '');
  const mimeType = str(codec, 'mimeType');
  const clockRate = num(codec, 'clockRate');
  return mimeType && clockRate ? { mimeType, clockRate } : undefined;
}

/** The microphone's energy counters, from the `media-source` stats of the sent track. */
function sourceEnergy(source: Stat | undefined) {
  return {
    totalAudioEnergy: num(source, 'totalAudioEnergy'),
    totalSamplesDuration: num(source, 'totalSamplesDuration'),
  };
}

/** The audio figures of one getStats() report. */
export function readSnapshot(report: ReadonlyMap<string, unknown>): StatsSnapshot {
  const stats = [...report.values()].filter(
    (value): value is Stat => typeof value === 'object' && value !== null,
  );
  const byId = new Map(stats.map((stat) => [String(stat.id), stat]));
  const inbound = stats.find((s) => s.type === 'inbound-rtp' && isAudio(s));
  const outbound = stats.find((s) => s.type === 'outbound-rtp' && isAudio(s));
  const remoteInbound = stats.find((s) => s.type === 'remote-inbound-rtp' && isAudio(s));
  const pair = selectedPair(stats, byId);
  const timestamps = [inbound, outbound].map((s) => num(s, 'timestamp') ?? 0);
  return {
    timestamp: Math.max(...timestamps),
    inbound: inbound && {
      packetsReceived: num(inbound, 'packetsReceived') ?? 0,
      packetsLost: num(inbound, 'packetsLost') ?? 0,
      bytesReceived: num(inbound, 'bytesReceived'),
      jitter: num(inbound, 'jitter'),
      totalAudioEnergy: num(inbound, 'totalAudioEnergy'),
      totalSamplesDuration: num(inbound, 'totalSamplesDuration'),
      concealedSamples: num(inbound, 'concealedSamples'),
      totalSamplesReceived: num(inbound, 'totalSamplesReceived'),
      jitterBufferDelay: num(inbound, 'jitterBufferDelay'),
      jitterBufferEmittedCount: num(inbound, 'jitterBufferEmittedCount'),
    },
    outbound: outbound && {
      packetsSent: num(outbound, 'packetsSent') ?? 0,
      bytesSent: num(outbound, 'bytesSent'),
      ...sourceEnergy(byId.get(str(outbound, 'mediaSourceId') ?? '')),
    },
    remoteInbound: remoteInbound && {
      roundTripTime: num(remoteInbound, 'roundTripTime'),
      fractionLost: num(remoteInbound, 'fractionLost'),
      packetsLost: num(remoteInbound, 'packetsLost'),
      jitter: num(remoteInbound, 'jitter'),
    },
    codec: codecOf(inbound, byId) ?? codecOf(outbound, byId),
    path: pathOf(pair, byId),
    candidatePairRtt: num(pair, 'currentRoundTripTime'),
  };
}

/**
 * Inbound audio packets received so far on `pc` (0 without one): what connection recovery
 * and the hold-music rule need to tell flowing audio from silence.
 */
export async function inboundAudioPackets(pc: RTCPeerConnection | undefined): Promise<number> {
  if (!pc) return 0;
  return readSnapshot(await pc.getStats()).inbound?.packetsReceived ?? 0;
}
