// Helpers for the backend tests: credentials, sipp runs, raw SIP over UDP, the
// Kamailio control socket and the media servers' event API. Tests run inside the
// lab namespace (backend/lab/lab.sh exec), where the stack listens on 127.0.0.1.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { ephemeralCredentials } from '../../testkit/ephemeral.ts';
import { MediaApi, tokenFromFile } from '../../testkit/media-api.ts';
import { runSipp } from '../../testkit/sipp.ts';
import { containerName, DOMAIN, MEDIA_HTTP, RTPENGINE, SBC } from '../../testkit/topology.ts';

const run = promisify(execFile);

export const BACKEND = new URL('..', import.meta.url).pathname;
export const RUN_DIR = join(BACKEND, 'run');
/** The lab's domain, SBC address and media servers' HTTP ports (testkit/topology.json). */
export { DOMAIN, MEDIA_HTTP, SBC };
/** Every media API request but /health carries this token (backend/lab/common.sh makes it). */
export const MEDIA_AUTH = {
  authorization: `Bearer ${readFileSync(join(RUN_DIR, 'media-api-token'), 'utf8').trim()}`,
};
export const CA = readFileSync(join(RUN_DIR, 'certs/ca.pem'));
const SECRET = readFileSync(join(RUN_DIR, 'secret'), 'utf8').trim();

/** auth_ephemeral credentials minted locally (ttl < 0 gives expired ones). */
export function ephemeral(user, { ttl = 600, secret = SECRET } = {}) {
  return ephemeralCredentials(secret, user, ttl);
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
export async function sipp(
  file,
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
  },
) {
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
    ports: { sip: port },
    timeoutS,
    maxBuffer: 1 << 24,
    args: [
      ...['-m', String(calls), '-max_recv_loops', '10000'],
      ...(service ? ['-s', service] : []),
      ...(auth ? ['-au', auth.username, '-ap', auth.password] : []),
      ...(rate ? ['-r', String(rate)] : []),
      ...(limit ? ['-l', String(limit)] : []),
      ...args,
    ],
  });
}

/** Sends one raw SIP datagram from `bind` and resolves with the first reply's status (or null). */
export function sipRequest(message, { bind = '127.0.0.1', timeoutMs = 1000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => done(null), timeoutMs);
    const done = (status) => {
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
export function options() {
  sequence += 1;
  return [
    `OPTIONS sip:${SBC.host}:${SBC.sipPort} SIP/2.0`,
    `Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK-${process.pid}-${sequence}-${Date.now()}`,
    'Max-Forwards: 70',
    `From: <sip:probe@${DOMAIN}>;tag=${sequence}`,
    `To: <sip:${SBC.host}:${SBC.sipPort}>`,
    `Call-ID: opt-${process.pid}-${sequence}-${Date.now()}`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** kamcmd through the control socket inside the Kamailio container. */
export async function kamcmd(...args) {
  const { stdout } = await run('docker', [
    ...['exec', containerName('kamailio'), 'kamcmd', '-s', 'unix:/run/kamailio/kamailio_ctl'],
    ...args,
  ]);
  return stdout;
}

/** Kamailio's log lines since `sinceMs` (epoch ms). */
export async function kamailioLog(sinceMs) {
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
export async function compose(...args) {
  await run('bash', [join(BACKEND, 'lab/lab.sh'), 'compose', ...args]);
}

/** True once something listens on UDP `port` (a sipp UAS started in the background). */
export async function udpListening(port) {
  const { stdout } = await run('ss', ['-Hunl', `sport = :${port}`]);
  return stdout.trim() !== '';
}

// The one poller (testkit/poll.ts): resolves with the first truthy value of `probe`,
// `poll(probe, { timeoutMs = 10000, intervalMs = 100, what })`. Re-exported so the suites
// keep importing it from here.
export { poll } from '../../testkit/poll.ts';

/** Calls (with timelines) both media servers handled since `since`, tagged by server. */
export async function mediaHistory(since) {
  const all = [];
  for (const server of Object.keys(MEDIA_HTTP)) {
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
export function mediaServerApi(server, options = {}) {
  return new MediaApi(`http://127.0.0.1:${MEDIA_HTTP[server]}`, mediaToken, options);
}

/** Dispatcher destinations as { uri: flags } ("AP" active, "IP"/"TP" down). */
export async function dispatcherState() {
  const out = await kamcmd('dispatcher.list');
  const state = {};
  for (const match of out.matchAll(/URI: (sip:[^\s]+)\s+FLAGS: (\w+)/g)) state[match[1]] = match[2];
  return state;
}

/**
 * Opens a TLS connection to the SBC's WSS port and sends a WebSocket upgrade with
 * the given Origin (null: none). Resolves with the HTTP status and, on 101, a tiny
 * client that sends and receives SIP text frames. The socket is dropped after `timeoutMs`
 * without data (a handshake stuck in a busy SBC's queue included).
 */
export function websocket(origin, { path = '/', localPort, timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const options = { host: SBC.host, port: SBC.wssPort, ca: CA, localPort };
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
      const onHandshake = (chunk) => {
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
function frames(socket, initial) {
  let buffer = initial;
  const waiting = [];
  const messages = [];
  const drain = () => {
    for (;;) {
      if (buffer.length < 2) return;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      }
      if (buffer.length < offset + length) return;
      const opcode = buffer[0] & 0x0f;
      const payload = buffer.subarray(offset, offset + length).toString();
      buffer = buffer.subarray(offset + length);
      if (opcode !== 1) continue;
      const waiter = waiting.shift();
      if (waiter) waiter(payload);
      else messages.push(payload);
    }
  };
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    drain();
  });
  return {
    /** The client's own TCP port: the SBC sees the WebSocket as 127.0.0.1:localPort. */
    localPort: socket.localPort,
    send(text) {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const header =
        payload.length < 126
          ? Buffer.from([0x81, 0x80 | payload.length])
          : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
      const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
      socket.write(Buffer.concat([header, mask, masked]));
    },
    next(timeoutMs = 3000) {
      if (messages.length) return Promise.resolve(messages.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no websocket message')), timeoutMs);
        waiting.push((message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
    },
    close() {
      socket.destroy();
    },
  };
}

/** A bencoded string value of an ng message (`7:call-id17:...`), or undefined. */
function bencodedValue(text, key) {
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
export async function captureNg() {
  const dump = spawn(
    'tcpdump',
    ['-i', 'lo', '--immediate-mode', '-U', '-n', '-w', '-', `udp dst port ${RTPENGINE.ngPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks = [];
  dump.stdout.on('data', (chunk) => chunks.push(chunk));
  const exited = new Promise((resolve) => dump.once('close', resolve));
  await new Promise((resolve, reject) => {
    dump.stderr.on('data', (line) => String(line).includes('listening on') && resolve());
    dump.once('error', reject);
    dump.once('exit', (code) => reject(new Error(`tcpdump exited with ${code}`)));
  });
  return {
    commands() {
      // A pcap stream: a 24-byte header, then records of 16 bytes + the frame.
      const pcap = Buffer.concat(chunks);
      const commands = [];
      for (let at = 24; at + 16 <= pcap.length; ) {
        const length = pcap.readUInt32LE(at + 8);
        if (at + 16 + length > pcap.length) break; // a record still arriving
        const frame = pcap.subarray(at + 16, at + 16 + length);
        at += 16 + length;
        // On lo: an Ethernet header, the IPv4 header, 8 bytes of UDP, then "<cookie> <bencode>".
        const ipHeader = (frame[14] & 0x0f) * 4;
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
