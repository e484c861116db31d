/**
 * The media servers' impairment stage (CONTRACTS.md, `POST /calls/:id/impair`): what a
 * journey injects between the server and the browser, and the server's count of what it
 * actually did (the injected truth the widget's measurements are compared with).
 */
import type { ImpairmentReport, ImpairRequest, PathReport } from '../../testkit/media-api';
import { findCall, type MediaCall, mediaApiOf } from './media-server';

/** A `POST /calls/:id/impair` body: the media server's own settings, any subset. */
export type Impairment = ImpairRequest;

export type { ImpairmentReport, PathReport };

/** Replaces the call's impairment in `direction` (default both) with `impairment`. */
export async function impair(call: MediaCall, impairment: Impairment): Promise<void> {
  await mediaApiOf(call).impair(call.callId, impairment);
}

export async function clearImpairment(call: MediaCall): Promise<void> {
  await mediaApiOf(call).clearImpairment(call.callId);
}

/** What the stage did since its last configuration, read from the server holding the call. */
export async function impairmentReport(call: MediaCall): Promise<ImpairmentReport> {
  const current = await findCall(call.callId);
  if (!current) throw new Error(`media server has no impairment report for ${call.callId}`);
  return current.impairment;
}
