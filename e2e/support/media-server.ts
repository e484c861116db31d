/**
 * The media servers' control and event API (CONTRACTS.md) as the journeys use it, on the
 * typed client testkit/media-api.ts. A call may land on either media server, so reads query
 * both and merge.
 */
import path from 'node:path';
import { expect } from '@playwright/test';
import {
  type CallDetail,
  MediaApi,
  type StreamStats,
  type TimelineEntry,
  tokenFromFile,
} from '../../testkit/media-api';
import { BACKEND_RUN_DIR, MEDIA_SERVER_URLS } from './paths';

export type { TimelineEntry };

/** The bearer token every media API request needs (all but /health), read when first used. */
const token = tokenFromFile(path.join(BACKEND_RUN_DIR, 'media-api-token'));

/** A call as a media server reports it, with the server that did. */
export interface MediaCall extends CallDetail {
  /** Which media server reported it (its base URL). */
  server: string;
}

/** The API of the media server that holds `call` (or a recording). */
export function mediaApiOf(call: { server: string }): MediaApi {
  return new MediaApi(call.server, token);
}

/** Calls (ended too) both media servers saw since `sinceMs`. */
export async function history(sinceMs = 0): Promise<MediaCall[]> {
  const perServer = await Promise.all(
    MEDIA_SERVER_URLS.map(async (base) =>
      (await new MediaApi(base, token).history(sinceMs)).map((call) => ({ ...call, server: base })),
    ),
  );
  return perServer.flat();
}

/** The media server's record of the call with this SIP Call-ID (undefined if none yet). */
export async function findCall(callId: string, sinceMs = 0): Promise<MediaCall | undefined> {
  return (await history(sinceMs)).find((call) => call.callId === callId);
}

/** Polls both media servers until the call's timeline has an entry matching `match`. */
export async function waitForTimelineEntry(
  callId: string,
  match: (entry: TimelineEntry) => boolean,
  description: string,
  timeout = 10_000,
): Promise<TimelineEntry> {
  let found: TimelineEntry | undefined;
  await expect
    .poll(
      async () => {
        const call = await findCall(callId);
        found = call?.timeline.find(match);
        return found ? 'seen' : (call?.timeline.map((e) => e.type).join(',') ?? 'no such call');
      },
      { message: `media server timeline of ${callId}: ${description}`, timeout, intervals: [100] },
    )
    .toBe('seen');
  return found!;
}

export const entryOfType =
  (type: string, fields: Record<string, unknown> = {}) =>
  (entry: TimelineEntry): boolean =>
    entry.type === type && Object.entries(fields).every(([k, v]) => entry[k] === v);

/** Packet counters the server keeps for a call (live while it is up). */
export type ServerRtp = Pick<StreamStats, 'packetsReceived' | 'packetsSent'>;

/** Waits until the server both received and sent `minPackets` more packets on the call. */
export async function expectServerPacketsRising(callId: string, minPackets = 25): Promise<void> {
  const rtpOf = async () =>
    ((await findCall(callId))?.rtp ?? { packetsReceived: 0, packetsSent: 0 }) as ServerRtp;
  const before = await rtpOf();
  await expect
    .poll(
      async () => {
        const now = await rtpOf();
        return Math.min(
          now.packetsReceived - before.packetsReceived,
          now.packetsSent - before.packetsSent,
        );
      },
      { message: `media server packets of ${callId}`, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(minPackets);
}

/** POST to the control API of the server that holds the call. */
export async function control(
  call: MediaCall,
  action: 'hold' | 'unhold',
  body?: { direction: 'sendonly' | 'inactive' },
): Promise<void> {
  const api = mediaApiOf(call);
  await (action === 'hold' ? api.hold(call.callId, body) : api.unhold(call.callId));
}

/** A recording file (named by the call's `recording` timeline entry) from its server. */
export async function downloadRecording(recording: {
  file: string;
  server: string;
}): Promise<Buffer> {
  return mediaApiOf(recording).recording(recording.file);
}

/** Waits until a media server answered the call with this SIP Call-ID and returns it. */
export async function answeredCall(callId: string, timeout = 10_000): Promise<MediaCall> {
  let call: MediaCall | undefined;
  await expect
    .poll(
      async () => {
        call = await findCall(callId);
        return call?.state ?? 'no such call';
      },
      { message: `media server answered ${callId}`, timeout, intervals: [100] },
    )
    .toBe('answered');
  return call!;
}
