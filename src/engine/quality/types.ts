/**
 * Public types of per-call quality: the samples taken from `RTCPeerConnection.getStats()`,
 * the warnings raised from them, and the end-of-call report. Values the browser did not
 * provide are `null` (not `undefined`) so that samples and reports survive JSON as they are.
 */

/** One warning about the call's media; see `QualityThresholds` for when each is raised. */
export type QualityWarningName =
  /** Round-trip time above `rttMs`. */
  | 'high-rtt'
  /** Inbound jitter above `jitterMs`. */
  | 'high-jitter'
  /** Inbound packet loss in the interval above `lossFraction`. */
  | 'high-loss'
  /** Estimated MOS below `mos`. */
  | 'low-mos'
  /** Packets arrive but carry silence (one-way audio that "looks healthy"). */
  | 'no-inbound-audio'
  /** No inbound audio packets at all in the interval. */
  | 'no-inbound-packets'
  /**
   * Our microphone sends silence while not muted: a dead, wrong or muted-in-hardware
   * device (the far end hears nothing though packets flow).
   */
  | 'no-outbound-audio'
  /** ICE connection `disconnected` or `failed`. */
  | 'ice-disconnected';

/**
 * A MOS in one word, for people: `good` 4.0 and up, `fair` from the default low-MOS
 * threshold (3.5), `poor` from 3.0, else `bad`; `unknown` before the first rated sample.
 */
export type QualityLevel = 'good' | 'fair' | 'poor' | 'bad' | 'unknown';

/** When a warning is raised; each applies to one sample (one interval). */
export interface QualityThresholds {
  /** Round-trip time above this, ms. Default 400. */
  rttMs: number;
  /** Inbound jitter above this, ms. Default 30. */
  jitterMs: number;
  /** Inbound loss in the interval above this fraction (0–1). Default 0.03 (3 %). */
  lossFraction: number;
  /** MOS below this (1–4.5). Default 3.5. */
  mos: number;
  /**
   * Inbound audio level (RMS over the interval, 0–1 like WebRTC's `audioLevel`) below this
   * while packets arrive counts as silence. Default 0.001 (−60 dBFS).
   */
  audioLevel: number;
}

export interface CodecInfo {
  /** e.g. `audio/opus`, `audio/PCMU`. */
  mimeType: string;
  clockRate: number;
}

/** The selected ICE candidate pair. */
export interface MediaPath {
  /** `host`, `srflx`, `prflx` or `relay`. */
  localType: string;
  remoteType: string;
  /** Transport to the far candidate: `udp` or `tcp`. */
  protocol: string;
  /** Media goes through a TURN relay. */
  relay: boolean;
  /**
   * Our relayed path only: how the browser reaches its TURN server (`udp`, `tcp` or `tls`,
   * the local candidate's `relayProtocol`): `tcp`/`tls` where a network blocks UDP.
   */
  relayProtocol?: string;
}

/** What arrived in one interval. */
export interface InboundQuality {
  packets: number;
  lost: number;
  /** lost / (received + lost) in the interval, 0–1. */
  lossFraction: number;
  /** Interarrival jitter (RFC 3550) as the browser estimates it now, ms. */
  jitterMs: number | null;
  /** RMS audio level over the interval, 0–1 (from `totalAudioEnergy`). */
  audioLevel: number | null;
  /** `totalAudioEnergy` gained in the interval. */
  audioEnergy: number | null;
  /** Share of played samples that were concealed (loss or late packets), 0–1. */
  concealmentRatio: number | null;
  /** Mean time a sample waited in the jitter buffer in the interval, ms. */
  jitterBufferDelayMs: number | null;
  bitrateKbps: number | null;
}

/** What was sent in one interval. */
export interface OutboundQuality {
  packets: number;
  bitrateKbps: number | null;
  /**
   * RMS level of our microphone in the interval, 0–1 (the track's `media-source` stats);
   * null when the browser does not report it.
   */
  audioLevel: number | null;
}

/** The far end's view of our stream, from its RTCP receiver reports. */
export interface RemoteQuality {
  /** Round-trip time from RTCP, ms. */
  rttMs: number | null;
  /** Fraction lost reported in the latest receiver report, 0–1. */
  lossFraction: number | null;
  /** Cumulative packets the far end misses. */
  packetsLost: number | null;
  /** Jitter the far end measures on our stream, ms. */
  jitterMs: number | null;
}

/** One stats sample: the values of one interval (never cumulative since the call began). */
export interface QualitySample {
  /** `Date.now()` when taken. */
  at: number;
  /** Length of the interval the values cover, ms. */
  intervalMs: number;
  /** Taken while the call was on hold: shown, but not used for warnings nor the report. */
  held: boolean;
  /** Our microphone was muted (on purpose: silence then raises no warning). */
  muted: boolean;
  inbound: InboundQuality;
  outbound: OutboundQuality;
  remote: RemoteQuality;
  /** Round-trip time used for MOS: RTCP's, else the ICE candidate pair's, ms. */
  rttMs: number | null;
  /** Estimated mouth-to-ear delay used for MOS (RTT/2 + jitter buffer + codec), ms. */
  oneWayDelayMs: number | null;
  /**
   * E-model transmission rating (0–100) and its MOS (1–4.5) of what we hear (inbound);
   * null without inbound media.
   */
  rFactor: number | null;
  mos: number | null;
  /**
   * The same E-model for what the far end hears (our stream), from its RTCP receiver
   * reports (`remote`: loss, jitter) and the round trip; null without outbound media or
   * without a report. An estimate: the far end's jitter buffer is not reported, so it is
   * taken as twice the jitter it measures (sample.ts).
   */
  rFactorOutbound: number | null;
  mosOutbound: number | null;
  codec: CodecInfo | null;
  path: MediaPath | null;
  iceConnectionState: RTCIceConnectionState | null;
}

/** Payload of the `quality-warning` event: a warning raised or cleared. */
export interface QualityWarningChange {
  warning: QualityWarningName;
  /** `true` when raised, `false` when cleared. */
  raised: boolean;
  /** The measured value of the sample that decided it (ms, fraction, MOS, level); null for ICE. */
  value: number | null;
}

/** A warning change with its time, as kept in the report's timeline. */
export interface QualityWarningEntry extends QualityWarningChange {
  /** `Date.now()` of the change. */
  at: number;
}

/** A change in the far end's warnings, as its phone reported them (quality/far-end.ts). */
export interface FarEndWarningEntry {
  warning: QualityWarningName;
  /** `true` when raised, `false` when cleared. */
  raised: boolean;
  /** `Date.now()` when the report arrived here. */
  at: number;
}

/** The far end's own average MOS so far, each direction as its phone rates it; null unrated. */
export interface FarEndMos {
  /** What the far end hears. */
  inbound: number | null;
  /** What the far end is heard with (our side of its call), as it estimates it. */
  outbound: number | null;
}

/** The call as the far end's phone saw it, from the reports it sent in the dialog. */
export interface FarEndView {
  /** Every warning the far end raised and cleared, in order. */
  warnings: FarEndWarningEntry[];
  /** Its latest MOS averages; null when it sent none (an older phone, or no report at all). */
  mos: FarEndMos | null;
}

/** min / avg / max / 95th percentile of one metric over the call's samples. */
export interface MetricSummary {
  min: number;
  avg: number;
  max: number;
  p95: number;
}

/**
 * End-of-call report, emitted once per call (answered or not) and optionally POSTed to
 * `statsUrl`. JSON Schema: `src/engine/quality/report.schema.json`.
 */
export interface CallReport {
  /**
   * Version of this JSON; raised on any incompatible change. 2 added `farEnd` and
   * `metrics.mosOutbound` (a collector checking version 1's schema, which allows no other
   * field, would refuse them).
   */
  schemaVersion: 2;
  /** The call's `id` (not the SIP Call-ID). */
  callId: string;
  direction: 'incoming' | 'outgoing';
  /** Who was called, or who called (SIP URI). */
  target: string;
  /** `Date.now()` values. */
  createdAt: number;
  answeredAt: number | null;
  endedAt: number;
  /** Talk time: answered → ended, ms (0 when never answered). */
  durationMs: number;
  /** Setup time: created → answered, ms; null when never answered. */
  setupMs: number | null;
  endCause: string;
  codec: CodecInfo | null;
  path: MediaPath | null;
  /** The WebSocket server (`wss://…`) the call went through. */
  server: string | null;
  /** Region of that server, when known. */
  region: string | null;
  /** Summaries over the samples taken while not on hold; null without such samples. */
  metrics: {
    rttMs: MetricSummary | null;
    jitterMs: MetricSummary | null;
    lossFraction: MetricSummary | null;
    /** What we heard (inbound). */
    mos: MetricSummary | null;
    /** What the far end heard, as estimated from its receiver reports (`mosOutbound`). */
    mosOutbound: MetricSummary | null;
  };
  /** Every warning raised and cleared, in order. */
  warnings: QualityWarningEntry[];
  /** The far end's view of the call: its warnings over time and its own MOS. */
  farEnd: FarEndView;
  /** Samples taken (held ones included). */
  sampleCount: number;
}

/** `call.quality`: the latest sample, the warnings up now, and the report once ended. */
export interface CallQuality {
  readonly sample: QualitySample | null;
  readonly warnings: readonly QualityWarningName[];
  /**
   * The far end's own warnings, as its phone last reported them (quality/far-end.ts): an
   * agent sees the caller's line here. Empty when the far end reports nothing.
   */
  readonly farEndWarnings: readonly QualityWarningName[];
  readonly report: CallReport | null;
}
