/** Starts real media servers on free loopback ports and drives them with sipp or raw UDP. */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaApi } from '../../../testkit/media-api';
import { poll } from '../../../testkit/poll';
import { freePorts } from '../../../testkit/ports';
import { runSipp as runSippKit, type SippPorts } from '../../../testkit/sipp';
import { loadConfig, type ServerConfig } from '../src/config.js';
import { serializeRtp } from '../src/media/rtp.js';
import { type MediaServer, startMediaServer } from '../src/server.js';
import { getHeader, parseSipMessage, type SipMessage } from '../src/sip/message.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON fixtures and API responses are checked field by field
export type Json = any;

export const MEDIA_DIR = join(import.meta.dirname, '..');
export const SIPP_DIR = join(import.meta.dirname, 'sipp');
export const SOUNDS_DIR = join(MEDIA_DIR, 'dist/sounds');

/** Generates prompts and music once (make-sounds.sh skips work when up to date). */
export function ensureSounds(): string {
  execFileSync('bash', [join(MEDIA_DIR, 'sounds/make-sounds.sh'), SOUNDS_DIR], {
    stdio: 'inherit',
  });
  return SOUNDS_DIR;
}

export type IvrEdit = (ivr: Json) => void;

/** The shipped ivr.json with test-friendly changes applied. */
export function writeTestIvr(edit: IvrEdit = () => {}): string {
  const ivr = JSON.parse(readFileSync(join(MEDIA_DIR, 'ivr.json'), 'utf8'));
  ivr.services.ringing = { type: 'music', ringMs: 10_000 };
  ivr.services['hold-now'] = { type: 'hold', direction: 'sendonly' };
  ivr.services['record-now'] = { type: 'record', maxSeconds: 30 };
  ivr.queue.agents = ['agent1', 'agent2'];
  ivr.queue.ringTimeoutMs = 2000;
  edit(ivr);
  const dir = mkdtempSync(join(tmpdir(), 'media-test-'));
  const file = join(dir, 'ivr.json');
  writeFileSync(file, JSON.stringify(ivr));
  return file;
}

/** The API token of every test server (a file, as in production: MEDIA_API_TOKEN_FILE). */
export const TEST_TOKEN = randomBytes(32).toString('hex');
export const TOKEN_FILE = join(mkdtempSync(join(tmpdir(), 'media-token-')), 'token');
writeFileSync(TOKEN_FILE, TEST_TOKEN, { mode: 0o600 });
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

export async function startTestServer(
  env: Record<string, string> = {},
  edit?: IvrEdit,
): Promise<MediaServer & { api: Api; config: ServerConfig }> {
  const [rtpBase] = await freePorts(100);
  const config = loadConfig(
    {
      SIP_HOST: '127.0.0.1',
      SIP_PORT: '0',
      HTTP_PORT: '0',
      RTP_PORT_MIN: String(rtpBase),
      RTP_PORT_MAX: String(rtpBase + 99),
      IVR_FILE: writeTestIvr(edit),
      SOUNDS_DIR: ensureSounds(),
      RECORDINGS_DIR: mkdtempSync(join(tmpdir(), 'media-rec-')),
      SIP_T1_MS: '100',
      LOG_LEVEL: 'silent',
      MEDIA_API_TOKEN_FILE: TOKEN_FILE,
      // The raw clients and sipp play the SBC from random loopback ports.
      TRUSTED_SIP_SOURCES: '127.0.0.1',
      ...env,
    },
    MEDIA_DIR,
  );
  const server = await startMediaServer(config);
  return { ...server, config, api: new Api(server.httpPort) };
}

/** Path-level helpers for the tests, on the typed client every suite shares. */
export class Api {
  /** The typed client (testkit/media-api.ts) of this server. */
  readonly client: MediaApi;

  constructor(readonly port: number) {
    this.client = new MediaApi(`http://127.0.0.1:${port}`, TEST_TOKEN);
  }

  /** A request with the token, as every client must send it. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return this.client.fetch(path, init);
  }

  async get(path: string): Promise<Json> {
    const response = await this.fetch(path);
    if (!response.ok) throw new Error(`GET ${path} → ${response.status}`);
    return response.json();
  }

  async post(path: string, body: unknown = {}): Promise<{ status: number; body: Json }> {
    const response = await this.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  /** The call (active or ended) whose Call-ID starts with `prefix`. */
  async call(prefix: string): Promise<Json | undefined> {
    const calls = await this.client.history();
    return calls.find((call) => call.callId.startsWith(prefix));
  }

  /** Waits until the call has a timeline entry matching `match`, and returns the call. */
  async waitForEntry(
    prefix: string,
    match: (entry: Json) => boolean,
    timeoutMs = 5000,
  ): Promise<Json> {
    return waitFor(async () => {
      const call = await this.call(prefix);
      return call?.timeline.some(match) ? call : undefined;
    }, timeoutMs);
  }
}

/**
 * Polls `probe` every 25 ms (testkit/poll.ts) until it yields a value: anything but
 * `undefined` or `false` (so `null`, `0` and `''` count); fails with the last value after
 * `timeoutMs`.
 */
export function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  return poll(probe, {
    timeoutMs,
    intervalMs: 25,
    done: (value) => value !== undefined && value !== false,
  }) as Promise<T>;
}

export interface SippResult {
  code: number | null;
  errors: string;
}

/**
 * Runs one sipp instance from test/sipp as a UAC (or UAS) on loopback, one call; `args`
 * name the target. Ports not given come from the test range (testkit/ports.ts).
 */
export async function runSipp(
  scenario: string,
  args: string[],
  ports: Partial<SippPorts> = {},
): Promise<SippResult> {
  const { code, errors } = await runSippKit({
    scenario: join(SIPP_DIR, scenario),
    mediaHost: '127.0.0.1',
    ports,
    timeoutS: 20,
    args: ['-m', '1', ...args],
  });
  return { code, errors };
}

/** A bare UDP SIP endpoint for the cases sipp cannot express (no ACK, garbage, ...). */
export class RawSip {
  private readonly inbox: SipMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly socket: dgram.Socket,
    readonly port: number,
  ) {
    socket.on('message', (data) => {
      try {
        this.inbox.push(parseSipMessage(data));
      } catch {
        return;
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static open(): Promise<RawSip> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.bind(0, '127.0.0.1', () => resolve(new RawSip(socket, socket.address().port)));
    });
  }

  send(text: string, port: number): void {
    this.socket.send(Buffer.from(text.replace(/\r?\n/g, '\r\n')), port, '127.0.0.1');
  }

  /** Takes the first received message matching `match` out of the inbox, waiting if needed. */
  async next(match: (message: SipMessage) => boolean, timeoutMs = 3000): Promise<SipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex(match);
      if (index >= 0) return this.inbox.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no matching SIP message received');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  count(match: (message: SipMessage) => boolean): number {
    return this.inbox.filter(match).length;
  }

  close(): void {
    this.socket.close();
  }
}

export interface InviteOptions {
  service: string;
  callId: string;
  serverPort: number;
  clientPort: number;
  branch?: string;
  headers?: string[];
  mediaPort?: number;
  direction?: string;
  /** The Contact header's value (default: the raw client itself). */
  contact?: string;
}

/**
 * Matches one call's final (or given) responses only: other tests' retransmissions may
 * still be in the inbox.
 */
export const isResponse =
  (callId: string, status: number, method = 'INVITE') =>
  (m: SipMessage): boolean =>
    m.kind === 'response' &&
    m.status === status &&
    getHeader(m, 'call-id') === callId &&
    (getHeader(m, 'cseq') ?? '').endsWith(method);

export function inviteText(o: InviteOptions): string {
  const sdp = [
    'v=0',
    'o=raw 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${o.mediaPort ?? 9} RTP/AVP 8 0 126`,
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:126 telephone-event/8000',
    `a=${o.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
  return [
    `INVITE sip:${o.service}@127.0.0.1:${o.serverPort} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${o.clientPort};branch=${o.branch ?? `z9hG4bK${o.callId}`}`,
    `From: <sip:raw@127.0.0.1:${o.clientPort}>;tag=raw${o.callId}`,
    `To: <sip:${o.service}@127.0.0.1>`,
    `Call-ID: ${o.callId}`,
    'CSeq: 1 INVITE',
    `Contact: ${o.contact ?? `<sip:raw@127.0.0.1:${o.clientPort}>`}`,
    'Max-Forwards: 70',
    ...(o.headers ?? []),
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(sdp)}`,
    '',
    sdp,
  ].join('\r\n');
}

/** An in-dialog request or ACK from the raw client, built from the server's 2xx. */
export function inDialogText(
  method: string,
  ok: SipMessage,
  clientPort: number,
  cseq: number,
  branch: string,
): string {
  const header = (name: string) => ok.headers.find((h) => h.name === name)?.value ?? '';
  return [
    `${method} sip:media@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${clientPort};branch=${branch}`,
    `From: ${header('from')}`,
    `To: ${header('to')}`,
    `Call-ID: ${header('call-id')}`,
    `CSeq: ${cseq} ${method}`,
    'Max-Forwards: 70',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** A response from the raw endpoint acting as UAS (the agent behind the proxy). */
export function responseText(
  request: SipMessage,
  status: number,
  reason: string,
  options: { toTag?: string; contactPort?: number; sdpPort?: number } = {},
): string {
  const h = (name: string) => getHeaderValue(request, name);
  const to =
    options.toTag && !h('to').includes('tag=') ? `${h('to')};tag=${options.toTag}` : h('to');
  const sdp =
    options.sdpPort === undefined
      ? ''
      : `v=0\r\no=agent 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${options.sdpPort} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...request.headers.filter((x) => x.name === 'via').map((x) => `Via: ${x.value}`),
    `From: ${h('from')}`,
    `To: ${to}`,
    `Call-ID: ${h('call-id')}`,
    `CSeq: ${h('cseq')}`,
    ...(options.contactPort ? [`Contact: <sip:agent@127.0.0.1:${options.contactPort}>`] : []),
    ...(sdp ? ['Content-Type: application/sdp'] : []),
    `Content-Length: ${sdp.length}`,
    '',
    sdp,
  ].join('\r\n');
}

function getHeaderValue(message: SipMessage, name: string): string {
  return message.headers.find((h) => h.name === name)?.value ?? '';
}

/** A phone's RTP/RTCP socket pair on loopback, recording what arrives. */
export class RtpPeer {
  readonly rtpIn: Buffer[] = [];
  readonly rtcpIn: Buffer[] = [];
  private sequence = 1;

  private constructor(
    readonly rtp: dgram.Socket,
    readonly rtcp: dgram.Socket,
  ) {
    rtp.on('message', (data) => this.rtpIn.push(data));
    rtcp.on('message', (data) => this.rtcpIn.push(data));
  }

  /** Binds RTP on an even port and RTCP on the next one (retrying until both are free). */
  static async open(address = '127.0.0.1'): Promise<RtpPeer> {
    for (;;) {
      const rtp = await bind(address, 0);
      const port = rtp.address().port;
      if (port % 2 === 0) {
        const rtcp = await bind(address, port + 1).catch(() => undefined);
        if (rtcp) return new RtpPeer(rtp, rtcp);
      }
      rtp.close();
    }
  }

  get port(): number {
    return this.rtp.address().port;
  }

  sendAudio(to: number, count = 1): void {
    for (let i = 0; i < count; i++) {
      this.rtp.send(rtpPacket(0, this.sequence++), to, '127.0.0.1');
    }
  }

  close(): void {
    this.rtp.close();
    this.rtcp.close();
  }
}

function bind(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, address, () => resolve(socket));
  });
}

export function rtpPacket(
  payloadType: number,
  sequence: number,
  payload: Buffer = Buffer.alloc(160, 0xff),
) {
  return serializeRtp({
    payloadType,
    marker: false,
    sequence,
    timestamp: sequence * 160,
    ssrc: 0x1234,
    payload,
  });
}

/** The server's RTP port from the SDP of its 2xx. */
export function serverRtpPort(ok: SipMessage): number {
  return Number(/m=audio (\d+)/.exec(ok.body.toString())![1]);
}
