/**
 * The media servers' impairment stage (CONTRACTS.md, `POST /calls/:id/impair`): what a
 * journey injects between the server and the browser, and the server's count of what it
 * actually did (the injected truth the widget's measurements are compared with).
 */
import type {
  ImpairDirection,
  ImpairmentSettings,
  PathReport,
} from '../../backend/media/src/media/impairment';
import { findCall, type MediaCall, mediaApiHeaders } from './media-server';

/** A `POST /calls/:id/impair` body: the media server's own settings, any subset. */
export type Impairment = Partial<ImpairmentSettings> & { direction?: ImpairDirection };

export type { PathReport };

export interface ImpairmentReport {
  toCaller: PathReport;
  fromCaller: PathReport;
}

async function send(call: MediaCall, method: 'POST' | 'DELETE', body?: Impairment) {
  const url = `${call.server}/calls/${encodeURIComponent(call.callId)}/impair`;
  const response = await fetch(url, {
    method,
    headers: { ...mediaApiHeaders(), 'content-type': 'application/json' },
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
