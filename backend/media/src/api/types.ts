/**
 * What the control API (http.ts, docs/CONTRACTS.md) answers and accepts, as types: the
 * handlers are declared to return these, and the test and benchmark client
 * (testkit/media-api.ts) reads them, so a field renamed on the server breaks its readers at
 * compile time instead of in a lab run. Type-only imports: a client loads no server code.
 */
import type { CallState } from '../call.js';
import type { TimelineEntry } from '../context.js';
import type { HoldDirection } from '../ivr/config.js';
import type { RefusalReason } from '../limits.js';
import type { Codec } from '../media/g711.js';
import type { IntervalSummary } from '../media/histogram.js';
import type { ImpairDirection, ImpairmentSettings, PathReport } from '../media/impairment.js';
import type { StreamStats } from '../media/rtp-session.js';
import type { Direction } from '../media/sdp.js';
import type { DropCounters } from '../sip/transport.js';

export type {
  CallState,
  Direction,
  HoldDirection,
  ImpairDirection,
  ImpairmentSettings,
  PathReport,
  StreamStats,
  TimelineEntry,
};

/** What a call's impairment stage did since it was last configured, per direction. */
export interface ImpairmentReport {
  toCaller: PathReport;
  fromCaller: PathReport;
}

/** A call as `GET /calls` lists it, and as every call action (hold, hangup, ...) returns it. */
export interface CallSummary {
  /** The SIP Call-ID. */
  callId: string;
  service: string;
  direction: 'inbound' | 'outbound';
  state: CallState;
  from: string;
  to: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  reason: string | null;
  codec: Codec;
  localDirection: Direction;
  remoteDirection: Direction;
  localHold: HoldDirection | null;
  peerCallId: string | null;
  /** Live counters (`rttMs` and the remote's figures are absent until an RTCP report came). */
  rtp: StreamStats;
  impairment: ImpairmentReport;
}

/** A call with its timeline: `GET /calls/:id`, and each call of `GET /history`. */
export interface CallDetail extends CallSummary {
  timeline: TimelineEntry[];
}

/** `GET /health`, the one route without the token. */
export interface HealthResponse {
  status: 'ok';
}

/** One file of `GET /recordings`. */
export interface RecordingInfo {
  file: string;
  bytes: number;
  /** mtime, epoch ms. */
  modified: number;
}

/** `GET /stats`. */
export interface StatsResponse {
  calls: number;
  streams: number;
  /** RTP send intervals of all streams since the last reset. */
  sendInterval: IntervalSummary;
  cpuPercentSinceReset: number;
  rssBytes: number;
  sipDropped: DropCounters;
  refusedCalls: Record<RefusalReason, number>;
  events: { subscribers: number; dropped: number };
}

/** `POST /stats/reset`. */
export interface StatsResetResponse {
  reset: true;
}

/** The body of every error answer (4xx, 5xx). */
export interface ErrorResponse {
  error: string;
}

/** `POST /calls/:id/hold` (no body: sendonly). */
export interface HoldRequest {
  direction?: HoldDirection;
}

/** `POST /calls/:id/impair`: any subset of the settings (`{}` clears both directions). */
export type ImpairRequest = Partial<ImpairmentSettings> & { direction?: ImpairDirection };
