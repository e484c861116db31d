// Helpers for the backend tests: credentials, sipp runs, raw SIP over UDP, the
// Kamailio control socket and the media servers' event API. Tests run inside the
// lab namespace (backend/lab/lab.sh exec), where the stack listens on 127.0.0.1.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { type EphemeralCredentials, ephemeralCredentials } from '../../testkit/ephemeral';
import {
  type CallDetail,
  MediaApi,
  type MediaApiOptions,
  tokenFromFile,
} from '../../testkit/media-api';
import { runSipp, type SippResult } from '../../testkit/sipp';
import {
  containerName,
  DOMAIN,
  MEDIA_HTTP,
  type MediaServerName,
  RTPENGINE,
  SBC,
} from '../../testkit/topology';

const run = promisify(execFile);

export const BACKEND = new URL('..', import.meta.url).pathname;
export const RUN_DIR = join(BACKEND, 'run');
/** The lab's domain, SBC address and media servers' HTTP ports (testkit/topology.json). */
export { DOMAIN, MEDIA_HTTP, SBC };
export const CA = readFileSync(join(RUN_DIR, 'certs/ca.pem'));
const SECRET = readFileSync(join(RUN_DIR, 'secret'), 'utf8').trim();

/** auth_ephemeral credentials minted locally (ttl < 0 gives expired ones). */
export function ephemeral(
  user: string,
  { ttl = 600, secret = SECRET, role }: { ttl?: number; secret?: string; role?: string } = {},
): EphemeralCredentials {
  return ephemeralCredentials(secret, user, ttl, role);
}

const scratch = mkdtempSync(join(tmpdir(), 'backend-test-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let scenarios = 0;

/**
 * Runs a sipp scenario from backend/test/sipp against the SBC. `vars` replace
 * upper-case placeholders in the XML (sipp has no parameters for response codes).
 * Resolves with testkit/sipp.ts's result ({ ok, output, ... }) where ok means every call
 * succeeded. `port` fixes the local SIP port (e.g. to register a contact that a later
 * UAS run will answer on); the other ports come from the test range.
 */
export interface SippRun {
  /** Upper-case placeholders in the XML and their values (EXPIRES defaults to 60). */
  vars?: Record<string, string | number>;
  /** The request URI's user (-s): a service or an agent. */
  service?: string;
  /** Digest credentials (-au/-ap). */
  auth?: EphemeralCredentials;
  /** Local SIP port; the other ports come from the test range. */
  port?: number;
  /** Calls to place (-m). */
  calls?: number;
  /** Calls per second (-r). */
  rate?: number;
  /** Calls at once (-l). */
  limit?: number;
  /** Local address. */
  bind?: string;
  args?: readonly string[];
  timeoutS?: number;
}

export async function sipp(
  file: string,
  {
    vars = {},
    service,
    auth,
    port,
    calls = 1,
    rate,
    limit,
    bind = '127.0.0.1',
    args = [],
    timeoutS = 20,
  }: SippRun,
): Promise<SippResult> {
  let xml = readFileSync(join(BACKEND, 'test/sipp', file), 'utf8');
  for (const [key, value] of Object.entries({ EXPIRES: 60, ...vars }))
    xml = xml.replaceAll(key, String(value));
  scenarios += 1;
  const scenario = join(scratch, `${scenarios}-${file}`);
  writeFileSync(scenario, xml);
  return runSipp({
    scenario,
    target: `${SBC.host}:${SBC.sipPort}`,
    host: bind,
    ...(port === undefined ? {} : { ports: { sip: port } }),
    timeoutS,
    maxBuffer: 1 << 24,
    args: [
      ...['-m', String(calls), '-max_recv_loops', '10000'],
      // The scenarios' [domain] (sipp -key): the lab's SIP domain.
      ...['-key', 'domain', DOMAIN],
      ...(service ? ['-s', service] : []),
      ...(auth ? ['-au', auth.username, '-ap', auth.password] : []),
      ...(rate ? ['-r', String(rate)] : []),
      ...(limit ? ['-l', String(limit)] : []),
      ...args,
    ],
  });
}

/** Sends one raw SIP datagram from `bind` and resolves with the first reply's status (or null). */
export function sipRequest(
  message: string,
  { bind = '127.0.0.1', timeoutMs = 1000 }: { bind?: string; timeoutMs?: number } = {},
): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => done(null), timeoutMs);
    const done = (status: number | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(status);
    };
    socket.on('error', reject);
    socket.on('message', (buf) => {
      const match = /^SIP\/2\.0 (\d{3})/.exec(buf.toString());
      if (match && match[1] !== '100') done(Number(match[1]));
    });
    socket.bind(0, bind, () => {
      const { port } = socket.address();
      socket.send(message.replaceAll('LOCAL', `${bind}:${port}`), SBC.sipPort, SBC.host);
    });
  });
}

let sequence = 0;
/** An OPTIONS to the SBC itself, with a Via that points back at the sender. */
export function options({
  callId,
  extra = [],
}: {
  /** Default: one of its own. */
  callId?: string;
  /** Header lines added after CSeq. */
  extra?: readonly string[];
} = {}): string {
  sequence += 1;
  return [
    `OPTIONS sip:${SBC.host}:${SBC.sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK-${process.pid}-${sequence}-${Date.now()}`,
    'Max-Forwards: 70',
    `From: <sip:probe@${DOMAIN}>;tag=${sequence}`,
    `To: <sip:${SBC.host}:${SBC.sipPort}>`,
    `Call-ID: ${callId ?? `opt-${process.pid}-${sequence}-${Date.now()}`}`,
    'CSeq: 1 OPTIONS',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** kamcmd through the control socket inside the Kamailio container. */
export async function kamcmd(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', [
    ...['exec', containerName('kamailio'), 'kamcmd', '-s', 'unix:/run/kamailio/kamailio_ctl'],
    ...args,
  ]);
  return stdout;
}

/** Kamailio's log lines since `sinceMs` (epoch ms). */
export async function kamailioLog(sinceMs: number): Promise<string> {
  const since = new Date(sinceMs).toISOString();
  const { stdout, stderr } = await run('docker', [
    'logs',
    '--since',
    since,
    containerName('kamailio'),
  ]);
  return stdout + stderr;
}

/** docker-compose against the running lab (stop/start services). */
export async function compose(...args: string[]): Promise<void> {
  await run('bash', [join(BACKEND, 'lab/lab.sh'), 'compose', ...args]);
}

/** True once something listens on UDP `port` (a sipp UAS started in the background). */
export async function udpListening(port: number): Promise<boolean> {
  const { stdout } = await run('ss', ['-Hunl', `sport = :${port}`]);
  return stdout.trim() !== '';
}

/** Calls (with timelines) both media servers handled since `since`, tagged by server. */
export async function mediaHistory(
  since: number,
): Promise<(CallDetail & { server: MediaServerName })[]> {
  const all: (CallDetail & { server: MediaServerName })[] = [];
  for (const server of Object.keys(MEDIA_HTTP) as MediaServerName[]) {
    try {
      for (const call of await mediaServerApi(server).history(since)) all.push({ ...call, server });
    } catch {
      // a stopped media server simply contributes nothing
    }
  }
  return all;
}

const mediaToken = tokenFromFile(join(RUN_DIR, 'media-api-token'));

/** The control API of media server `server` ('media1', 'media2'): testkit/media-api.ts. */
export function mediaServerApi(server: MediaServerName, options: MediaApiOptions = {}): MediaApi {
  return new MediaApi(`http://127.0.0.1:${MEDIA_HTTP[server]}`, mediaToken, options);
}

/** Dispatcher destinations as { uri: flags } ("AP" active, "IP"/"TP" down). */
export async function dispatcherState(): Promise<Record<string, string>> {
  const out = await kamcmd('dispatcher.list');
  const state: Record<string, string> = {};
  for (const [, uri, flags] of out.matchAll(/URI: (sip:[^\s]+)\s+FLAGS: (\w+)/g))
    state[uri as string] = flags as string;
  return state;
}

/**
 * Opens a TLS connection to the SBC's WSS port and sends a WebSocket upgrade with
 * the given Origin (null: none). Resolves with the HTTP status and, on 101, a tiny
 * client that sends and receives SIP text frames. The socket is dropped after `timeoutMs`
 * without data (a handshake stuck in a busy SBC's queue included).
 */
export interface WebSocketClient {
  /** The client's own TCP port: the SBC sees the WebSocket as 127.0.0.1:localPort. */
  localPort: number;
  /** Sends one text frame: a string as UTF-8, or bytes as they are (the fuzzer's non-UTF-8). */
  send(text: string | Buffer): void;
  /** The next text message; rejects after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<string>;
  close(): void;
}

export interface WebSocketUpgrade {
  status: number;
  /** Sec-WebSocket-Accept matched the key (RFC 6455 §4.2.2). */
  acceptValid: boolean;
  ws: WebSocketClient;
}

export function websocket(
  origin: string | null,
  {
    path = '/',
    localPort,
    timeoutMs = 5000,
  }: { path?: string; localPort?: number; timeoutMs?: number } = {},
): Promise<WebSocketUpgrade> {
  return new Promise((resolve, reject) => {
    const options = {
      host: SBC.host,
      port: SBC.wssPort,
      ca: CA,
      ...(localPort === undefined ? {} : { localPort }),
    };
    const socket = tlsConnect(options, () => {
      const key = randomBytes(16).toString('base64');
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: ${SBC.host}:${SBC.wssPort}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: sip',
        ...(origin ? [`Origin: ${origin}`] : []),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      let buffer = Buffer.alloc(0);
      const onHandshake = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onHandshake);
        const head = buffer.subarray(0, end).toString();
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
        const accept = /sec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
        const expected = createHash('sha1')
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest('base64');
        resolve({
          status,
          acceptValid: accept === expected,
          ws: frames(socket, buffer.subarray(end + 4)),
        });
      };
      socket.on('data', onHandshake);
    });
    socket.on('error', reject);
    // A server that closes before answering the upgrade (a crashed worker) settles it too.
    socket.on('close', () => reject(new Error('connection closed before the upgrade')));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error('websocket handshake timed out')));
  });
}

// Minimal RFC 6455 text framing: clients mask, the server does not.
function frames(socket: Socket, initial: Buffer): WebSocketClient {
  let buffer = initial;
  const waiting: ((message: string) => void)[] = [];
  const messages: string[] = [];
  const drain = () => {
    for (;;) {
      if (buffer.length < 2) return;
      let length = (buffer[1] as number) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      }
      if (buffer.length < offset + length) return;
      const opcode = (buffer[0] as number) & 0x0f;
      const payload = buffer.subarray(offset, offset + length).toString();
      buffer = buffer.subarray(offset + length);
      if (opcode !== 1) continue;
      const waiter = waiting.shift();
      if (waiter) waiter(payload);
      else messages.push(payload);
    }
  };
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    drain();
  });
  return {
    localPort: socket.localPort as number,
    send(text) {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const header =
        payload.length < 126
          ? Buffer.from([0x81, 0x80 | payload.length])
          : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
      const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
      socket.write(Buffer.concat([header, mask, masked]));
    },
    next(timeoutMs = 3000) {
      const queued = messages.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const waiter = (message: string) => {
          clearTimeout(timer);
          resolve(message);
        };
        // A waiter that timed out leaves the queue: the next message goes to the next caller.
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error('no websocket message'));
        }, timeoutMs);
        waiting.push(waiter);
      });
    },
    close() {
      socket.destroy();
    },
  };
}

/** A bencoded string value of an ng message (`7:call-id17:...`), or undefined. */
function bencodedValue(text: string, key: string): string | undefined {
  const match = new RegExp(`${key.length}:${key}(\\d+):`).exec(text);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  return text.slice(start, start + Number(match[1]));
}

/**
 * What is sent to rtpengine's ng control port (RTPENGINE.ngPort) from now on, captured with
 * tcpdump on lo: `commands()` gives each datagram so far as { cookie, command, callId };
 * `stop()` ends the capture. Kamailio's cookies are "<server_id>_<pid>_<seq>"; the health
 * probe's differ.
 */
export interface NgCommand {
  cookie: string;
  command: string | undefined;
  callId: string | undefined;
}

export async function captureNg(): Promise<{ commands(): NgCommand[]; stop(): Promise<void> }> {
  const dump = spawn(
    'tcpdump',
    ['-i', 'lo', '--immediate-mode', '-U', '-n', '-w', '-', `udp dst port ${RTPENGINE.ngPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: Buffer[] = [];
  dump.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise((resolve) => dump.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    dump.stderr.on('data', (line: Buffer) => String(line).includes('listening on') && resolve());
    dump.once('error', reject);
    dump.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}`)));
  });
  return {
    commands() {
      // A pcap stream: a 24-byte header, then records of 16 bytes + the frame.
      const pcap = Buffer.concat(chunks);
      const commands: NgCommand[] = [];
      for (let at = 24; at + 16 <= pcap.length; ) {
        const length = pcap.readUInt32LE(at + 8);
        if (at + 16 + length > pcap.length) break; // a record still arriving
        const frame = pcap.subarray(at + 16, at + 16 + length);
        at += 16 + length;
        // On lo: an Ethernet header, the IPv4 header, 8 bytes of UDP, then "<cookie> <bencode>".
        const ipHeader = ((frame[14] as number) & 0x0f) * 4;
        const payload = frame.subarray(14 + ipHeader + 8).toString('latin1');
        const body = payload.slice(payload.indexOf(' ') + 1);
        commands.push({
          cookie: payload.slice(0, payload.indexOf(' ')),
          command: bencodedValue(body, 'command'),
          callId: bencodedValue(body, 'call-id'),
        });
      }
      return commands;
    },
    async stop() {
      dump.kill('SIGINT');
      await exited;
    },
  };
}
