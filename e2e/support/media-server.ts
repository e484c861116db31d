/**
 * Client of the media servers' control and event API (CONTRACTS.md). A call may land on
 * either media server, so reads query both and merge.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import { BACKEND_RUN_DIR, MEDIA_SERVER_URLS } from './paths';

let token: string | undefined;

/**
 * The bearer token every media API request needs (all but /health): the lab writes it to
 * backend/run/media-api-token at first start. Read when first used.
 */
export function mediaApiHeaders(): Record<string, string> {
  token ??= readFileSync(path.join(BACKEND_RUN_DIR, 'media-api-token'), 'utf8').trim();
  return { authorization: `Bearer ${token}` };
}

export interface TimelineEntry {
  t: number;
  callId: string;
  type: string;
  [field: string]: unknown;
}

export interface MediaCall {
  callId: string;
  timeline: TimelineEntry[];
  /** Which media server reported it (its base URL). */
  server: string;
  [field: string]: unknown;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: mediaApiHeaders() });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return response.json();
}

function asCalls(body: unknown, server: string): MediaCall[] {
  const list = Array.isArray(body) ? body : ((body as { calls?: unknown[] }).calls ?? []);
  return (list as Omit<MediaCall, 'server'>[]).map((call) => ({ ...call, server }) as MediaCall);
}

/** Calls (ended too) both media servers saw since `sinceMs`. */
export async function history(sinceMs = 0): Promise<MediaCall[]> {
  const perServer = await Promise.all(
    MEDIA_SERVER_URLS.map(async (base) =>
      asCalls(await getJson(`${base}/history?since=${sinceMs}`), base),
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
export interface ServerRtp {
  packetsReceived: number;
  packetsSent: number;
}

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
  const url = `${call.server}/calls/${encodeURIComponent(call.callId)}/${action}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...mediaApiHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`POST ${url} → ${response.status} ${await response.text()}`);
}

/** A recording file (named by the call's `recording` timeline entry) from its server. */
export async function downloadRecording(recording: {
  file: string;
  server: string;
}): Promise<Buffer> {
  const url = `${recording.server}/recordings/${encodeURIComponent(recording.file)}`;
  const response = await fetch(url, { headers: mediaApiHeaders() });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
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
