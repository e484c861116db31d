/**
 * Control and event API (docs/CONTRACTS.md): JSON over HTTP plus Server-Sent Events.
 *
 * It reads callers' numbers and digits, hands out recordings and hangs up calls, so every
 * request is checked, in this order: the Host header must name this server (a DNS-rebinding
 * page sends its own name), then the bearer token; only `GET /health` skips the token and
 * answers nothing but `{"status":"ok"}`, so container probes need no secret on their command
 * line. No CORS headers unless an origin is configured.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import type { Call } from '../call.js';
import type { TimelineBus, TimelineEntry } from '../context.js';
import type { RefusalReason } from '../limits.js';
import type { MediaClock } from '../media/clock.js';
import { ImpairmentError, NO_IMPAIRMENT, parseImpairRequest } from '../media/impairment.js';
import { guard, safeInterval } from '../safe.js';
import type { DropCounters } from '../sip/transport.js';
import type { UserAgent } from '../ua.js';
import type {
  CallDetail,
  CallSummary,
  HealthResponse,
  RecordingInfo,
  StatsResetResponse,
  StatsResponse,
} from './types.js';

const MAX_BODY_BYTES = 16 * 1024;
const SSE_HEARTBEAT_MS = 15_000;
/** Event streams at once: the lab's tools need a handful; each one costs a socket and memory. */
export const MAX_SSE_SUBSCRIBERS = 32;
/** A subscriber that lets this much pile up unread is dropped rather than buffered forever. */
export const SSE_MAX_BUFFERED_BYTES = 256 * 1024;
const RECORDING_NAME = /^[A-Za-z0-9._-]+\.wav$/;
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export interface ApiDeps {
  ua: UserAgent;
  bus: TimelineBus;
  clock: MediaClock;
  recordingsDir: string;
  /** The bearer token every request but /health must carry. */
  token: string;
  /** Host header names (no port) accepted besides loopback. */
  allowedHosts: string[];
  /** Origins allowed to read responses from a browser; empty: no CORS at all. */
  corsOrigins: string[];
  /** Datagrams the SIP transport dropped, and the calls refused for lack of resources. */
  sipDropped: DropCounters;
  refusedCalls: () => Record<RefusalReason, number>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A call as the API shows it; with its timeline for `/calls/:id` and `/history`. */
export function summarize(call: Call, withTimeline: true): CallDetail;
export function summarize(call: Call, withTimeline: false): CallSummary;
export function summarize(call: Call, withTimeline: boolean): CallSummary | CallDetail {
  return {
    callId: call.id,
    service: call.serviceName,
    direction: call.direction,
    state: call.state,
    from: call.from,
    to: call.to,
    startedAt: call.startedAt,
    answeredAt: call.answeredAt ?? null,
    endedAt: call.endedAt ?? null,
    reason: call.endReason ?? null,
    codec: call.rtp.codec,
    localDirection: call.localDirection,
    remoteDirection: call.remoteDirection,
    localHold: call.localHold ?? null,
    peerCallId: call.peer?.id ?? null,
    rtp: call.stats(),
    impairment: call.rtp.impairment.report(),
    ...(withTimeline ? { timeline: call.timeline } : {}),
  };
}

export function createApiServer(deps: ApiDeps): http.Server {
  let cpuMark = process.cpuUsage();
  let cpuMarkAt = process.hrtime.bigint();
  const tokenDigest = digest(deps.token);
  const allowedHosts = new Set([...LOOPBACK_NAMES, ...deps.allowedHosts]);
  const corsOrigins = new Set(deps.corsOrigins);
  const events = new EventStreams(deps.bus);
  const routes: [
    string,
    RegExp,
    (match: RegExpExecArray, req: http.IncomingMessage, url: URL) => Promise<unknown> | unknown,
  ][] = [
    [
      'GET',
      /^\/calls$/,
      (): CallSummary[] => [...deps.ua.calls.values()].map((call) => summarize(call, false)),
    ],
    [
      'GET',
      /^\/calls\/([^/]+)$/,
      (m): CallDetail => summarize(findCall(deps.ua, m[1]!, true), true),
    ],
    [
      'GET',
      /^\/history$/,
      (_m, _req, url): CallDetail[] => {
        const since = Number(url.searchParams.get('since') ?? 0);
        if (!Number.isFinite(since))
          throw new HttpError(400, 'since must be a number (ms since epoch)');
        return [...deps.ua.history, ...deps.ua.calls.values()]
          .filter((call) => (call.endedAt ?? Date.now()) >= since)
          .map((call) => summarize(call, true));
      },
    ],
    [
      'POST',
      /^\/calls\/([^/]+)\/hold$/,
      async (m, req): Promise<CallSummary> => {
        const body = await readJson(req);
        const direction = (body as { direction?: unknown }).direction ?? 'sendonly';
        if (direction !== 'sendonly' && direction !== 'inactive') {
          throw new HttpError(400, 'direction must be "sendonly" or "inactive"');
        }
        const call = findCall(deps.ua, m[1]!, false);
        await call.hold(direction).catch((error: Error) => {
          throw new HttpError(409, error.message);
        });
        return summarize(call, false);
      },
    ],
    [
      'POST',
      /^\/calls\/([^/]+)\/unhold$/,
      async (m): Promise<CallSummary> => {
        const call = findCall(deps.ua, m[1]!, false);
        await call.unhold().catch((error: Error) => {
          throw new HttpError(409, error.message);
        });
        return summarize(call, false);
      },
    ],
    [
      'POST',
      /^\/calls\/([^/]+)\/hangup$/,
      (m): CallSummary => {
        const call = findCall(deps.ua, m[1]!, false);
        call.hangup('api');
        return summarize(call, false);
      },
    ],
    [
      'POST',
      /^\/calls\/([^/]+)\/impair$/,
      async (m, req): Promise<CallSummary> => {
        const body = await readJson(req);
        const call = findCall(deps.ua, m[1]!, false);
        try {
          const { direction, settings } = parseImpairRequest(body);
          call.impair(direction, settings);
        } catch (error) {
          if (error instanceof ImpairmentError) throw new HttpError(400, error.message);
          throw error;
        }
        return summarize(call, false);
      },
    ],
    [
      'DELETE',
      /^\/calls\/([^/]+)\/impair$/,
      (m): CallSummary => {
        const call = findCall(deps.ua, m[1]!, false);
        call.impair('both', { ...NO_IMPAIRMENT });
        return summarize(call, false);
      },
    ],
    ['GET', /^\/recordings$/, (): RecordingInfo[] => listRecordings(deps.recordingsDir)],
    [
      'GET',
      /^\/stats$/,
      (): StatsResponse => {
        const now = process.hrtime.bigint();
        const cpu = process.cpuUsage(cpuMark);
        const elapsedUs = Number(now - cpuMarkAt) / 1000;
        return {
          calls: deps.ua.calls.size,
          streams: deps.clock.size,
          sendInterval: deps.clock.sendIntervals.summary(),
          cpuPercentSinceReset: Math.round(((cpu.user + cpu.system) / elapsedUs) * 1000) / 10,
          rssBytes: process.memoryUsage().rss,
          sipDropped: { ...deps.sipDropped },
          refusedCalls: deps.refusedCalls(),
          events: { subscribers: events.size, dropped: events.dropped },
        };
      },
    ],
    [
      'POST',
      /^\/stats\/reset$/,
      (): StatsResetResponse => {
        deps.clock.sendIntervals.reset();
        cpuMark = process.cpuUsage();
        cpuMarkAt = process.hrtime.bigint();
        return { reset: true };
      },
    ],
  ];

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    if (!allowedHosts.has(hostName(req.headers.host))) {
      // RFC 9110 §15.5.20: the request reached a server that is not the one it names.
      sendJson(res, 421, { error: 'unknown Host' });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && corsOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-methods': 'GET, POST, DELETE',
          'access-control-allow-headers': 'authorization, content-type',
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/health') {
      sendJson(res, 200, { status: 'ok' } satisfies HealthResponse);
      return;
    }
    if (!authorized(req.headers.authorization, tokenDigest)) {
      res.setHeader('www-authenticate', 'Bearer realm="media-api"');
      sendJson(res, 401, { error: 'missing or wrong bearer token' });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/events') {
      events.subscribe(req, res);
      return;
    }
    const recording = /^\/recordings\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && recording) {
      sendRecording(deps.recordingsDir, safeDecode(recording[1]!) ?? '', res);
      return;
    }
    const route = routes.find(
      ([method, pattern]) => method === req.method && pattern.test(url.pathname),
    );
    if (!route) {
      sendJson(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      return;
    }
    Promise.resolve()
      .then(() => route[2](route[1].exec(url.pathname)!, req, url))
      .then((result) => sendJson(res, 200, result))
      .catch((error: Error) => {
        sendJson(res, error instanceof HttpError ? error.status : 500, { error: error.message });
      });
  };
  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      // E.g. a request target `new URL` refuses: a client error, never a crash.
      if (!res.headersSent) sendJson(res, 400, { error: (error as Error).message });
      else res.destroy();
    }
  });
  server.on('close', () => events.close());
  return server;
}

/** The name in a Host header without its port, lower-case ('' when absent). */
function hostName(host: string | undefined): string {
  if (!host) return '';
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon < 0 ? lower : lower.slice(0, colon);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares digests in constant time, so response timing says nothing about the token. */
function authorized(header: string | undefined, tokenDigest: Buffer): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), tokenDigest);
}

/**
 * The SSE subscribers. Capped in number, and a subscriber that stops reading is dropped
 * once its unsent backlog passes SSE_MAX_BUFFERED_BYTES: otherwise one stalled client makes
 * the process buffer every timeline entry of every call for it, without end.
 */
class EventStreams {
  private readonly subscribers = new Set<http.ServerResponse>();
  dropped = 0;

  constructor(private readonly bus: TimelineBus) {}

  get size(): number {
    return this.subscribers.size;
  }

  subscribe(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.subscribers.size >= MAX_SSE_SUBSCRIBERS) {
      sendJson(res, 503, { error: `at most ${MAX_SSE_SUBSCRIBERS} event streams` });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      connection: 'keep-alive',
    });
    this.subscribers.add(res);
    const write = (text: string): void => {
      if (res.destroyed) return;
      if (res.writableLength > SSE_MAX_BUFFERED_BYTES) {
        this.dropped++;
        res.destroy();
        return;
      }
      res.write(text);
    };
    write(': connected\n\n');
    const send = guard('SSE send', (entry: TimelineEntry): void => {
      write(`event: ${entry.type}\ndata: ${JSON.stringify(entry)}\n\n`);
    });
    const heartbeat = safeInterval(
      'SSE heartbeat',
      () => write(': heartbeat\n\n'),
      SSE_HEARTBEAT_MS,
    );
    this.bus.on('entry', send);
    const cleanup = (): void => {
      clearInterval(heartbeat);
      this.bus.off('entry', send);
      this.subscribers.delete(res);
    };
    res.on('close', cleanup);
    req.on('close', cleanup);
  }

  close(): void {
    for (const res of this.subscribers) res.destroy();
  }
}

function safeDecode(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

function findCall(ua: UserAgent, encodedId: string, includeEnded: boolean): Call {
  const id = safeDecode(encodedId);
  if (id === undefined) throw new HttpError(400, 'bad Call-ID encoding');
  const call = ua.calls.get(id) ?? (includeEnded ? ua.history.find((c) => c.id === id) : undefined);
  if (!call) throw new HttpError(404, `no ${includeEnded ? '' : 'active '}call ${id}`);
  return call;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') {
        resolve({});
        return;
      }
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
        resolve(parsed);
      } catch {
        reject(new HttpError(400, 'body must be a JSON object'));
      }
    });
    req.on('error', reject);
  });
}

function listRecordings(dir: string): RecordingInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => RECORDING_NAME.test(name))
    .map((file) => {
      const stat = statSync(join(dir, file));
      return { file, bytes: stat.size, modified: stat.mtimeMs };
    });
}

function sendRecording(dir: string, file: string, res: http.ServerResponse): void {
  // The name pattern has no slash, so the path cannot leave the recordings directory.
  if (!RECORDING_NAME.test(file)) {
    sendJson(res, 400, { error: 'bad recording name' });
    return;
  }
  const path = join(dir, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    sendJson(res, 404, { error: `no recording ${file}` });
    return;
  }
  res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': size });
  // A file removed between stat and read must end this response, not the process.
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}
