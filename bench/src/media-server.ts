/** Reads call timelines from the media servers' event API (docs/CONTRACTS.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { poll } from '../../testkit/poll';
import { MEDIA_SERVER_URLS, REPO_ROOT } from './config';

let token: string | undefined;

/** The media API's bearer token, written by the lab at first start (read when first needed). */
function authHeaders(): Record<string, string> {
  token ??= readFileSync(path.join(REPO_ROOT, 'backend/run/media-api-token'), 'utf8').trim();
  return { authorization: `Bearer ${token}` };
}

export interface TimelineEntry {
  /** Epoch ms on the media server (same machine clock as the browser). */
  t: number;
  type: string;
  digit?: string;
}

/** The call's timeline from whichever media server has it, or [] if none has it yet. */
export async function timelineOf(callId: string): Promise<TimelineEntry[]> {
  for (const base of MEDIA_SERVER_URLS) {
    const response = await fetch(`${base}/calls/${encodeURIComponent(callId)}`, {
      headers: authHeaders(),
    });
    if (!response.ok) continue;
    const call = (await response.json()) as { timeline?: TimelineEntry[] };
    return call.timeline ?? [];
  }
  return [];
}

/** Polls every `intervalMs` until the call's timeline has `count` digit entries. */
export function waitForDigits(
  callId: string,
  count: number,
  timeoutMs = 5000,
  intervalMs = 10,
): Promise<TimelineEntry[]> {
  return poll(async () => (await timelineOf(callId)).filter((e) => e.type === 'digit'), {
    timeoutMs,
    intervalMs,
    what: `the media server to see ${count} digits on ${callId}`,
    done: (digits) => digits.length >= count,
  });
}
