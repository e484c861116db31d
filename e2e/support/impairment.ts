/**
 * The media servers' impairment stage (CONTRACTS.md, `POST /calls/:id/impair`): what a
 * journey injects between the server and the browser, and the server's count of what it
 * actually did (the injected truth the widget's measurements are compared with).
 */
import { findCall, type MediaCall } from './media-server';

export interface Impairment {
  direction?: 'to-caller' | 'from-caller' | 'both';
  /** Fraction of RTP packets dropped, 0–1. */
  loss?: number;
  delayMs?: number;
  jitterMs?: number;
  mute?: boolean;
  seed?: number;
}

/** One direction's account since it was last configured (see the media server's PathReport). */
export interface PathReport {
  settings: Required<Omit<Impairment, 'direction'>>;
  since: number;
  rtpPassed: number;
  rtpDropped: number;
  rtcpPassed: number;
  lossFraction: number | null;
  meanAddedDelayMs: number | null;
  meanAddedJitterMs: number | null;
  queued: number;
}

export interface ImpairmentReport {
  toCaller: PathReport;
  fromCaller: PathReport;
}

async function send(call: MediaCall, method: 'POST' | 'DELETE', body?: Impairment) {
  const url = `${call.server}/calls/${encodeURIComponent(call.callId)}/impair`;
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok)
    throw new Error(`${method} ${url} → ${response.status} ${await response.text()}`);
}

/** Replaces the call's impairment in `direction` (default both) with `impairment`. */
export function impair(call: MediaCall, impairment: Impairment): Promise<void> {
  return send(call, 'POST', impairment);
}

export function clearImpairment(call: MediaCall): Promise<void> {
  return send(call, 'DELETE');
}

/** What the stage did since its last configuration, read from the server holding the call. */
export async function impairmentReport(call: MediaCall): Promise<ImpairmentReport> {
  const current = await findCall(call.callId);
  const report = current?.impairment as ImpairmentReport | undefined;
  if (!report) throw new Error(`media server has no impairment report for ${call.callId}`);
  return report;
}
