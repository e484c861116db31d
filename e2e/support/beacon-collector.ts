/**
 * A collector for the widget's end-of-call report beacons, served by the test pages' own
 * server (same allowlisted origin, so no CORS): `POST /beacon` stores the body as sent,
 * `GET /beacons` lists what arrived. The page server runs in Playwright's main process and
 * the journeys in workers, so journeys read the beacons over HTTP (`receivedBeacons()`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PAGES_ORIGIN } from './paths';

export const BEACON_PATH = '/beacon';
const LIST_PATH = '/beacons';
const MAX_BEACON_BYTES = 64 * 1024;

export interface Beacon {
  /** `Date.now()` at the collector. */
  receivedAt: number;
  contentType: string;
  body: string;
}

const beacons: Beacon[] = [];

/** Handles the collector's two routes; returns false for any other request. */
export function handleBeaconRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'GET' && path === LIST_PATH) {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(beacons));
    return true;
  }
  if (req.method !== 'POST' || path !== BEACON_PATH) return false;
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BEACON_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BEACON_BYTES) {
      res.writeHead(413).end();
      return;
    }
    beacons.push({
      receivedAt: Date.now(),
      contentType: req.headers['content-type'] ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(204).end();
  });
  return true;
}

/** The beacons the collector received so far (from a journey's worker process). */
export async function receivedBeacons(): Promise<Beacon[]> {
  const response = await fetch(`${PAGES_ORIGIN}${LIST_PATH}`);
  if (!response.ok) throw new Error(`GET ${LIST_PATH} → ${response.status}`);
  return (await response.json()) as Beacon[];
}
