/** Reads call timelines from the media servers' control API (docs/CONTRACTS.md). */
import path from 'node:path';
import {
  MediaApi,
  MediaApiError,
  type TimelineEntry,
  tokenFromFile,
} from '../../testkit/media-api';
import { poll } from '../../testkit/poll';
import { MEDIA_SERVER_URLS, REPO_ROOT } from './config';

export type { TimelineEntry };

/** The media API's bearer token, written by the lab at first start (read when first needed). */
const token = tokenFromFile(path.join(REPO_ROOT, 'backend/run/media-api-token'));
const servers = MEDIA_SERVER_URLS.map((url) => new MediaApi(url, token));

/** The call's timeline from whichever media server has it, or [] if none has it yet. */
export async function timelineOf(callId: string): Promise<TimelineEntry[]> {
  for (const api of servers) {
    try {
      return (await api.call(callId)).timeline;
    } catch (error) {
      // Not on this server (404), or not yet: try the next one.
      if (!(error instanceof MediaApiError)) throw error;
    }
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
