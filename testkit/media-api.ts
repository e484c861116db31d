/**
 * One client of a media server's control API (docs/CONTRACTS.md) for every test and
 * benchmark: base URL, bearer token and typed answers, the types being the server's own
 * (backend/media/src/api/types.ts, what its handlers are declared to return). Node only.
 */
import { readFileSync } from 'node:fs';
import type {
  CallDetail,
  CallSummary,
  HealthResponse,
  HoldRequest,
  ImpairRequest,
  RecordingInfo,
  StatsResetResponse,
  StatsResponse,
} from '../backend/media/src/api/types';

export type {
  CallDetail,
  CallState,
  CallSummary,
  HealthResponse,
  HoldRequest,
  ImpairDirection,
  ImpairmentReport,
  ImpairmentSettings,
  ImpairRequest,
  PathReport,
  RecordingInfo,
  StatsResponse,
  StreamStats,
  TimelineEntry,
} from '../backend/media/src/api/types';

/** A request the server answered with an error status; `body` is its answer, as text. */
export class MediaApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${url} → ${status} ${body}`.trimEnd());
    this.name = 'MediaApiError';
  }
}

export interface MediaApiOptions {
  /** Abort a request that takes longer (a stopped or restarting server); default: none. */
  timeoutMs?: number;
}

/**
 * The token in `file` (the lab's is backend/run/media-api-token, written at its first start),
 * read when first needed and then kept: a suite can be loaded before the lab is up. The
 * caller names the file because bundled code (the benchmark harness) has no stable path
 * to this module's directory.
 */
export function tokenFromFile(file: string): () => string {
  let token: string | undefined;
  return () => {
    token ??= readFileSync(file, 'utf8').trim();
    return token;
  };
}

export class MediaApi {
  /**
   * @param url the server's base URL, e.g. `http://127.0.0.1:8071`
   * @param token the bearer token, or where to get it when first needed ({@link tokenFromFile})
   */
  constructor(
    readonly url: string,
    private readonly token: string | (() => string),
    private readonly options: MediaApiOptions = {},
  ) {}

  /** The `authorization` header every route but /health requires. */
  get headers(): Record<string, string> {
    const token = typeof this.token === 'string' ? this.token : this.token();
    return { authorization: `Bearer ${token}` };
  }

  /** A raw request with the token, for status checks; `path` starts with `/`. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const { timeoutMs } = this.options;
    return fetch(`${this.url}${path}`, {
      ...(timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(timeoutMs) }),
      ...init,
      headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined) },
    });
  }

  /** The response of a request that must succeed; throws MediaApiError otherwise. */
  private async ok(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await this.fetch(path, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) {
      throw new MediaApiError(method, `${this.url}${path}`, response.status, await response.text());
    }
    return response;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.ok(method, path, body)).json()) as T;
  }

  health(): Promise<HealthResponse> {
    return this.json('GET', '/health');
  }

  /** Calls in progress. */
  calls(): Promise<CallSummary[]> {
    return this.json('GET', '/calls');
  }

  /** One call, in progress or ended, with its timeline (MediaApiError 404 when unknown). */
  call(callId: string): Promise<CallDetail> {
    return this.json('GET', `/calls/${encodeURIComponent(callId)}`);
  }

  /** Calls in progress or ended at or after `sinceMs` (epoch ms), with their timelines. */
  history(sinceMs = 0): Promise<CallDetail[]> {
    return this.json('GET', `/history?since=${sinceMs}`);
  }

  /** Puts the call on hold (re-INVITE); resolves once the remote answered it. */
  hold(callId: string, request: HoldRequest = {}): Promise<CallSummary> {
    return this.json('POST', `/calls/${encodeURIComponent(callId)}/hold`, request);
  }

  unhold(callId: string): Promise<CallSummary> {
    return this.json('POST', `/calls/${encodeURIComponent(callId)}/unhold`, {});
  }

  /** Ends the call with a BYE from the server. */
  hangup(callId: string): Promise<CallSummary> {
    return this.json('POST', `/calls/${encodeURIComponent(callId)}/hangup`);
  }

  /** Replaces the call's impairment in `request.direction` (default both). */
  impair(callId: string, request: ImpairRequest): Promise<CallSummary> {
    return this.json('POST', `/calls/${encodeURIComponent(callId)}/impair`, request);
  }

  clearImpairment(callId: string): Promise<CallSummary> {
    return this.json('DELETE', `/calls/${encodeURIComponent(callId)}/impair`);
  }

  recordings(): Promise<RecordingInfo[]> {
    return this.json('GET', '/recordings');
  }

  /** A recording's WAV file. */
  async recording(file: string): Promise<Buffer> {
    const response = await this.ok('GET', `/recordings/${encodeURIComponent(file)}`);
    return Buffer.from(await response.arrayBuffer());
  }

  stats(): Promise<StatsResponse> {
    return this.json('GET', '/stats');
  }

  resetStats(): Promise<StatsResetResponse> {
    return this.json('POST', '/stats/reset');
  }
}
