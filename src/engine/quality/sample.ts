/**
 * One quality sample from two consecutive stats snapshots: every value covers only the
 * interval between them (cumulative loss hides a bad minute in a long call).
 */
import { type CodecProfile, codecProfile, mosFromR, oneWayDelayMs, rFactor } from './mos';
import type { StatsSnapshot } from './stats-snapshot';
import type { InboundQuality, OutboundQuality, QualitySample, RemoteQuality } from './types';

export interface SampleContext {
  /** `Date.now()` of the sample. */
  at: number;
  held: boolean;
  muted: boolean;
  iceConnectionState: RTCIceConnectionState | null;
}

/** `current − previous` of a counter; null when either is missing or the counter went back. */
function delta(current: number | undefined, previous: number | undefined): number | null {
  if (current === undefined || previous === undefined) return null;
  const d = current - previous;
  return d >= 0 ? d : null;
}

/** `a / b`, null when either is missing or b is 0. */
function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function ms(seconds: number | undefined): number | null {
  return seconds === undefined ? null : seconds * 1000;
}

function kbps(bytes: number | null, intervalMs: number): number | null {
  return bytes === null ? null : (bytes * 8) / intervalMs;
}

/**
 * The RMS level over the interval: `totalAudioEnergy` sums audioLevel² × seconds, so
 * energy / seconds is the mean power.
 */
function levelOf(
  now: { totalAudioEnergy?: number; totalSamplesDuration?: number } | undefined,
  before: { totalAudioEnergy?: number; totalSamplesDuration?: number } | undefined,
): number | null {
  const meanPower = ratio(
    delta(now?.totalAudioEnergy, before?.totalAudioEnergy),
    delta(now?.totalSamplesDuration, before?.totalSamplesDuration),
  );
  return meanPower === null ? null : Math.sqrt(meanPower);
}

function inboundOf(previous: StatsSnapshot, current: StatsSnapshot, intervalMs: number) {
  const now = current.inbound;
  const before = previous.inbound;
  const packets = delta(now?.packetsReceived, before?.packetsReceived ?? 0) ?? 0;
  // packetsLost may go down when late packets arrive after being counted lost.
  const lost = delta(now?.packetsLost, before?.packetsLost ?? 0) ?? 0;
  const energy = delta(now?.totalAudioEnergy, before?.totalAudioEnergy);
  const bufferDelay = ratio(
    delta(now?.jitterBufferDelay, before?.jitterBufferDelay),
    delta(now?.jitterBufferEmittedCount, before?.jitterBufferEmittedCount),
  );
  const inbound: InboundQuality = {
    packets,
    lost,
    lossFraction: packets + lost > 0 ? lost / (packets + lost) : 0,
    jitterMs: ms(now?.jitter),
    audioLevel: levelOf(now, before),
    audioEnergy: energy,
    concealmentRatio: ratio(
      delta(now?.concealedSamples, before?.concealedSamples),
      delta(now?.totalSamplesReceived, before?.totalSamplesReceived),
    ),
    jitterBufferDelayMs: bufferDelay === null ? null : bufferDelay * 1000,
    bitrateKbps: kbps(delta(now?.bytesReceived, before?.bytesReceived), intervalMs),
  };
  return inbound;
}

function outboundOf(previous: StatsSnapshot, current: StatsSnapshot, intervalMs: number) {
  const outbound: OutboundQuality = {
    packets: delta(current.outbound?.packetsSent, previous.outbound?.packetsSent ?? 0) ?? 0,
    bitrateKbps: kbps(delta(current.outbound?.bytesSent, previous.outbound?.bytesSent), intervalMs),
    audioLevel: levelOf(current.outbound, previous.outbound),
  };
  return outbound;
}

function remoteOf(current: StatsSnapshot): RemoteQuality {
  const remote = current.remoteInbound;
  return {
    rttMs: ms(remote?.roundTripTime),
    lossFraction: remote?.fractionLost ?? null,
    packetsLost: remote?.packetsLost ?? null,
    jitterMs: ms(remote?.jitter),
  };
}

interface Rating {
  oneWayDelayMs: number;
  rFactor: number;
  mos: number;
}

/** One direction through the E-model (mos.ts): delay from the round trip and the buffer. */
function rate(
  rttMs: number,
  bufferDelayMs: number,
  lossFraction: number,
  codec: CodecProfile,
): Rating {
  const delay = oneWayDelayMs(rttMs, bufferDelayMs, codec);
  const r = rFactor({ oneWayDelayMs: delay, lossFraction, codec });
  return { oneWayDelayMs: delay, rFactor: r, mos: mosFromR(r) };
}

/**
 * What the far end hears, from its latest receiver report about our stream (RFC 3550
 * §6.4.2: fraction lost, interarrival jitter) and the round trip. Its jitter buffer is not
 * reported: taken as twice the jitter it measures, the allowance Twilio's MOS makes for
 * jitter (twilio/twilio-voice.js, lib/twilio/rtc/mos.ts: `rtt + 2·jitter`).
 */
function rateOutbound(
  outbound: OutboundQuality,
  remote: RemoteQuality,
  rttMs: number | null,
  codec: CodecProfile,
): Rating | null {
  if (outbound.packets === 0 || rttMs === null || remote.lossFraction === null) return null;
  return rate(rttMs, 2 * (remote.jitterMs ?? 0), remote.lossFraction, codec);
}

/** The sample for the interval from `previous` to `current`. */
export function computeSample(
  previous: StatsSnapshot,
  current: StatsSnapshot,
  context: SampleContext,
): QualitySample {
  const intervalMs = Math.max(current.timestamp - previous.timestamp, 1);
  const inbound = inboundOf(previous, current, intervalMs);
  const outbound = outboundOf(previous, current, intervalMs);
  const remote = remoteOf(current);
  const rttMs = remote.rttMs ?? ms(current.candidatePairRtt);
  const codec = codecProfile(current.codec?.mimeType);
  // Without inbound packets or a round trip there is nothing to rate.
  const heard =
    inbound.packets > 0 && rttMs !== null
      ? rate(rttMs, inbound.jitterBufferDelayMs ?? 0, inbound.lossFraction, codec)
      : null;
  const sent = rateOutbound(outbound, remote, rttMs, codec);
  return {
    at: context.at,
    intervalMs,
    held: context.held,
    muted: context.muted,
    inbound,
    outbound,
    remote,
    rttMs,
    oneWayDelayMs: heard?.oneWayDelayMs ?? null,
    rFactor: heard?.rFactor ?? null,
    mos: heard?.mos ?? null,
    rFactorOutbound: sent?.rFactor ?? null,
    mosOutbound: sent?.mos ?? null,
    codec: current.codec ?? null,
    path: current.path ?? null,
    iceConnectionState: context.iceConnectionState,
  };
}
