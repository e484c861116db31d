// Issue 10, fuzz stage: mutated SIP (fuzz-lib.ts) through the SBC over UDP and WSS, inside
// real dialogs (so the SBC relays it to a media server's parser), and straight at the media
// server that carries a call in progress, from an address that is not the SBC's. Bounded:
// fixed counts, each message waits at most a short window, the lanes run side by side.
// Afterwards: no process crashed or restarted, the call in progress kept its RTP both ways,
// every reply is a 4xx (or a 2xx where a mutation left a valid request), none is a 5xx.
//
//   FUZZ_SEED=n    replays a run (the seed is printed first); default: time-based
//   FUZZ_SCALE=k   k times the message counts (bench/fuzz/run.sh uses a larger k)
//   FUZZ_REPORT=f  also writes the summary as a Markdown table to f (BENCHMARKS.md)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { CallSummary, StatsResponse, StreamStats } from '../../../testkit/media-api';
import { sleep } from '../../../testkit/poll';
import {
  ALLOWED_ORIGINS,
  containerName,
  DOMAIN,
  MEDIA_SERVERS,
  type MediaServerName,
} from '../../../testkit/topology';
import { ephemeral, kamcmd, MEDIA_HTTP, mediaServerApi, options, SBC, sipRequest } from '../lib';
import {
  describe,
  type FuzzMessage,
  type FuzzOptions,
  type FuzzRecord,
  fuzzMessage,
  inDialog,
  percentile,
  type RawEndpoint,
  rawEndpoint,
  sendInDialog,
  sendUdp,
  sendWebSocket,
  tally,
  type WebSocketLane,
} from './fuzz-lib';
import { type Call, finalResponse, placeCall, token } from './sbc-lib';

const run = promisify(execFile);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const COUNTS = { sbc: 3000 * SCALE, wss: 300 * SCALE, dialog: 240 * SCALE, media: 2000 * SCALE };
const DIALOGS = 4;
const ORIGIN = ALLOWED_ORIGINS[0];
const CONTAINERS = ['kamailio', 'rtpengine', 'media1', 'media2'].map((s) => containerName(s));
/** The media servers' SIP ports, by name (testkit/topology.json). */
const MEDIA_SIP = Object.fromEntries(
  MEDIA_SERVERS.map((server) => [server.name, server.sipPort]),
) as Record<MediaServerName, number>;
/**
 * No single message may stall a server longer than this (keepalive answer, RTP gap). The
 * stalls issue 10 found were seconds per message and added up; on this shared 2-core
 * machine (load 20-40 while other suites run) the servers and this test's own sender
 * already see ~2 s at the worst moments, so the bound is 5 s; the summary prints the
 * worst values and this process's own event-loop delay for comparison.
 */
const BLOCKED_MS = 5000;
console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays this run), scale ${SCALE}`);

/** A container as `docker inspect` shows it. */
interface ContainerState {
  status: string;
  startedAt: string;
  restarts: number;
  /** The health check's status ('' without one). */
  health: string;
}

async function containerState(): Promise<Record<string, ContainerState>> {
  const { stdout } = await run('docker', [
    'inspect',
    '-f',
    '{{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.RestartCount}} {{if .State.Health}}{{.State.Health.Status}}{{end}}',
    ...CONTAINERS,
  ]);
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line): [string, ContainerState] => {
        const [name, status, startedAt, restarts, health] = line.split(' ');
        return [name.slice(1), { status, startedAt, restarts: Number(restarts), health }];
      }),
  );
}

/** Kamailio's start time from `kamcmd core.uptime` (it resets when Kamailio restarts). */
async function kamailioUpSince(): Promise<string | undefined> {
  return /up_since:\s*(.+)/.exec(await kamcmd('core.uptime'))?.[1].trim();
}

/** rtpStream(): our side of a call's media. */
interface RtpStream {
  /** The local port, which the SDP offer names. */
  port: number;
  /** performance.now() of every packet that came back. */
  arrivals: number[];
  /** Starts sending to host:port. */
  start(host: string, port: number): void;
  close(): void;
}

/**
 * RTP (RFC 3550) PCMU frames every 20 ms from a socket of our own to the address the SBC's
 * answer names, and the arrival time of every packet that comes back.
 */
async function rtpStream(): Promise<RtpStream> {
  const socket = createSocket('udp4');
  const arrivals: number[] = [];
  socket.on('message', () => arrivals.push(performance.now()));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  return {
    port: socket.address().port,
    arrivals,
    start(host, port) {
      const ssrc = Math.floor(Math.random() * 2 ** 32);
      timer = setInterval(() => {
        const packet = Buffer.alloc(12 + 160, 0xff);
        packet.writeUInt8(0x80, 0);
        packet.writeUInt8(0, 1);
        packet.writeUInt16BE(seq & 0xffff, 2);
        packet.writeUInt32BE((seq * 160) >>> 0, 4);
        packet.writeUInt32BE(ssrc, 8);
        seq++;
        socket.send(packet, port, host);
      }, 20);
    },
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}

/** The media address in the 200 OK's SDP answer the caller received. */
function answeredMedia(call: Call<RawEndpoint>): { host: string; port: number } {
  // placeCall() got it, and the media server's answer has an SDP.
  const answer = call.ua.received.find(
    (r) => finalResponse(call.callId, 'INVITE')(r.text) && r.text.startsWith('SIP/2.0 200'),
  )!;
  const host = /^c=IN IP4 (\S+)/m.exec(answer.text)![1];
  const port = Number(/^m=audio (\d+)/m.exec(answer.text)![1]);
  return { host, port };
}

/** echoCall(): the call, its caller's name and its media. */
interface EchoCall {
  caller: string;
  call: Call<RawEndpoint>;
  rtp: RtpStream;
}

/** A real call to the echo service with RTP flowing both ways. */
async function echoCall(): Promise<EchoCall> {
  const caller = `visitor-fuzz-${token()}`;
  const rtp = await rtpStream();
  const ua = await rawEndpoint();
  const call = await placeCall({
    caller,
    service: 'echo',
    credentials: ephemeral(caller),
    rtp,
    ua,
  });
  const media = answeredMedia(call);
  rtp.start(media.host, media.port);
  return { caller, call, rtp };
}

/** Arrivals between two instants: how many, and the longest gap between them (ms). */
interface Flow {
  packets: number;
  maxGapMs: number;
}

/** Arrivals between two instants: how many, and the longest gap between them. */
function flow(arrivals: readonly number[], from: number, to: number): Flow {
  const within = arrivals.filter((t) => t >= from && t <= to);
  let gap = within.length ? within[0] - from : to - from;
  for (let i = 1; i < within.length; i++) gap = Math.max(gap, within[i] - within[i - 1]);
  if (within.length) gap = Math.max(gap, to - within.at(-1)!);
  return { packets: within.length, maxGapMs: gap };
}

/**
 * A keepalive OPTIONS every 200 ms until stopped, sent again every 500 ms until answered
 * (RFC 3261 Timer E, as a real client does: one datagram lost on a busy machine is not
 * the SBC being blocked). Samples: answer time from the first send, null if none in 4 s.
 */
function keepaliveProbe(): { samples: (number | null)[]; stop(): Promise<void> } {
  const samples: (number | null)[] = [];
  let running = true;
  const ask = async () => {
    const client = await rawEndpoint();
    try {
      const text = options();
      const callId = /^Call-ID: (.*)$/m.exec(text)![1];
      const sentAt = performance.now();
      for (let attempt = 0; attempt < 8; attempt++) {
        await client.send(text);
        const reply = await client.waitFor(
          (t) => t.startsWith('SIP/2.0 200') && t.includes(callId),
          {
            timeoutMs: 500,
          },
        );
        if (reply) return performance.now() - sentAt;
      }
      return null;
    } finally {
      client.close();
    }
  };
  const done = (async () => {
    while (running) {
      samples.push(await ask());
      await sleep(200);
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

// ---- the run: everything is measured once in before(), the tests check its parts ----

/** The lanes: to the SBC over UDP and WSS, inside dialogs, and straight at a media server. */
type Lane = 'sbc' | 'wss' | 'dialog' | 'media';

/** What the servers looked like before or after the fuzzing. */
interface Snapshot {
  containers: Record<string, ContainerState>;
  kamailioUpSince: string | undefined;
  stats: Record<MediaServerName, StatsResponse>;
}

/** Everything before() measured. */
interface Run {
  before: Snapshot & { callRtp: StreamStats };
  /** The media server that carries the protected call. */
  server: MediaServerName;
  /** This test process's own worst event-loop delay during the lanes. */
  ownLoopMaxMs: number;
  durationS: number;
  records: Record<Lane, FuzzRecord[]>;
  wssReopened: number;
  /** Keepalive answer times (ms), null for none. */
  keepalives: (number | null)[];
  /** The protected call's RTP coming back during the fuzzing... */
  during: Flow;
  /** ...and after it, with the protected call as its media server lists it then. */
  after: Snapshot & Flow & { call: CallSummary | undefined };
  /** The load average at the end. */
  load: number;
}

let result: Run;
let protectedCall: EchoCall;
const fuzzCalls: EchoCall[] = [];

before(async () => {
  const containers = await containerState();
  const upSince = await kamailioUpSince();

  protectedCall = await echoCall();
  // The media server that carries it: the one whose /calls lists the caller.
  let server: MediaServerName | undefined;
  for (const name of Object.keys(MEDIA_HTTP) as MediaServerName[]) {
    const calls = await mediaServerApi(name).calls();
    if (calls.some((c) => c.from.includes(protectedCall.caller))) server = name;
  }
  assert.ok(server, 'the protected call is on no media server');
  for (let i = 0; i < DIALOGS; i++) fuzzCalls.push(await echoCall());
  const stats = {
    media1: await mediaServerApi('media1').stats(),
    media2: await mediaServerApi('media2').stats(),
  };
  const callRtp = (await mediaServerApi(server).calls()).find((c) =>
    c.from.includes(protectedCall.caller),
  )!.rtp;

  const build = (lane: string, count: number, options: FuzzOptions): FuzzMessage[] =>
    Array.from({ length: count }, (_, i) => fuzzMessage(SEED, lane, i, options));
  const sbcTarget = `${SBC.host}:${SBC.sipPort}`;
  const lanes = {
    sbc: build('sbc', COUNTS.sbc, { target: sbcTarget }),
    wss: build('wss', COUNTS.wss, { target: `${SBC.host}:${SBC.wssPort}` }),
    media: build('media', COUNTS.media, {
      target: `${SBC.host}:${MEDIA_SIP[server]}`,
    }),
  };
  const dialogMethods = ['INFO', 'INFO', 'OPTIONS', 'INVITE', 'MESSAGE'];
  const dialogLanes = fuzzCalls.map(({ call, caller }, d) =>
    Array.from({ length: COUNTS.dialog / DIALOGS }, (_, i) =>
      fuzzMessage(SEED, 'dialog', d * 10_000 + i, {
        methods: dialogMethods,
        build: inDialog(call, caller),
      }),
    ),
  );

  const probe = keepaliveProbe();
  const ownLoop = monitorEventLoopDelay({ resolution: 20 });
  ownLoop.enable();
  const started = performance.now();
  let lanesDone: [FuzzRecord[], WebSocketLane, FuzzRecord[], ...FuzzRecord[][]];
  try {
    lanesDone = await Promise.all([
      sendUdp(lanes.sbc, { host: SBC.host, port: SBC.sipPort, rate: 250, windowMs: 3000 }),
      // The SBC closes a WebSocket that carried an unparseable message: many connections,
      // each reopened after such a message, keep this lane short.
      sendWebSocket(lanes.wss, { connections: 12, origin: ORIGIN }),
      sendUdp(lanes.media, {
        host: SBC.host,
        port: MEDIA_SIP[server],
        rate: 150,
        windowMs: 500,
      }),
      ...fuzzCalls.map(({ call, caller }, d) =>
        sendInDialog(call, caller, dialogLanes[d], { windowMs: 1000 }),
      ),
    ]);
  } finally {
    ownLoop.disable();
    await probe.stop();
  }
  const ownLoopMaxMs = ownLoop.max / 1e6;
  const ended = performance.now();
  const [sbc, wss, media, ...dialogs] = lanesDone;
  const during = flow(protectedCall.rtp.arrivals, started, ended);

  // After: the call must still carry media (fresh arrivals), and everything must be up.
  const afterStart = performance.now();
  await sleep(1000);
  const afterFlow = flow(protectedCall.rtp.arrivals, afterStart, performance.now());
  result = {
    before: { containers, kamailioUpSince: upSince, stats, callRtp },
    server,
    ownLoopMaxMs,
    durationS: (ended - started) / 1000,
    records: { sbc, wss: wss.records, dialog: dialogs.flat(), media },
    wssReopened: wss.reopened,
    keepalives: probe.samples,
    during,
    after: {
      ...afterFlow,
      containers: await containerState(),
      kamailioUpSince: await kamailioUpSince(),
      stats: {
        media1: await mediaServerApi('media1').stats(),
        media2: await mediaServerApi('media2').stats(),
      },
      call: (await mediaServerApi(server).calls()).find((c) =>
        c.from.includes(protectedCall.caller),
      ),
    },
    load: os.loadavg()[0],
  };
});

after(async () => {
  for (const { call, rtp } of [protectedCall, ...fuzzCalls].filter(Boolean)) {
    await call.status('BYE').catch(() => null);
    call.close();
    rtp.close();
  }
});

// ---- checks ----

/** Records whose reply is not allowed by `ok(status, record)`, described for the failure. */
function violations(
  records: readonly FuzzRecord[],
  ok: (status: number, record: FuzzRecord) => boolean,
): string {
  const bad = records.filter((r) => r.status !== null && !ok(r.status, r));
  // One example of each distinct reply (status line).
  const examples = new Map<string, FuzzRecord>();
  for (const r of bad) {
    // (a record with a status has its reply)
    const line = r.reply!.slice(0, r.reply!.indexOf('\r\n'));
    if (!examples.has(line)) examples.set(line, r);
  }
  return `${bad.length} unexpected replies, e.g.\n${[...examples.values()].slice(0, 5).map(describe).join('\n\n')}`;
}
const is4xx = (status: number) => status >= 400 && status < 500;
// Only the SBC's own keepalive answer (OPTIONS to itself) is a 2xx a stranger can get: a
// mutation that left such an OPTIONS well-formed still gets it.
const sbcOk = (status: number, r: FuzzRecord) =>
  is4xx(status) || status === 100 || (status === 200 && r.method === 'OPTIONS');

for (const [stage, how] of [
  ['sbc', 'to the SBC over UDP'],
  ['wss', 'over WSS'],
] as const) {
  test(`mutated SIP ${how}: every reply is a 4xx (or an intact keepalive's 200), the rest dropped`, () => {
    const records = result.records[stage];
    assert.equal(records.length, COUNTS[stage]);
    assert.ok(
      records.every((r) => r.status === null || sbcOk(r.status, r)),
      violations(records, sbcOk),
    );
  });
}

test('mutated in-dialog requests relayed to the media servers: 2xx or 4xx, never a 5xx', () => {
  // Inside a real dialog a mutation may leave a valid INFO/OPTIONS/re-INVITE (200);
  // everything else is refused with a 4xx or dropped.
  const ok = (status: number) => status < 500;
  const records = result.records.dialog;
  assert.ok(
    records.every((r) => r.status === null || ok(r.status)),
    violations(records, ok),
  );
  // The lane is only worth something if a good share of it was answered (the SBC itself
  // drops what it can tell is broken: cut-short headers, oversize, unparseable SDP).
  assert.ok(
    records.filter((r) => r.status !== null && r.status !== 100).length > records.length / 4,
    JSON.stringify(tally(records)),
  );
});

test('SIP straight at the media server from a non-SBC address: never answered, each one counted as dropped', () => {
  const records = result.records.media;
  assert.deepEqual(records.filter((r) => r.status !== null).map(describe), []);
  const server = result.server;
  const dropped =
    result.after.stats[server].sipDropped.untrusted -
    result.before.stats[server].sipDropped.untrusted;
  // Counted by the server as "untrusted". UDP on a busy machine loses datagrams in the
  // socket buffer before the server reads them (never adds any): some, not all, are counted.
  assert.ok(dropped > 0 && dropped <= records.length, `${dropped} of ${records.length} counted`);
});

test('no process crashed or restarted: containers, Kamailio uptime, health checks, OPTIONS', async () => {
  for (const name of CONTAINERS) {
    const [before, now] = [result.before.containers[name], result.after.containers[name]];
    assert.equal(now.status, 'running', name);
    assert.equal(now.startedAt, before.startedAt, `${name} restarted`);
    assert.equal(now.restarts, before.restarts, `${name} restarted`);
  }
  assert.equal(result.after.kamailioUpSince, result.before.kamailioUpSince, 'Kamailio restarted');
  assert.equal(await sipRequest(options()), 200, 'the SBC no longer answers a keepalive');
  for (const server of Object.keys(MEDIA_HTTP) as MediaServerName[]) {
    const res = await mediaServerApi(server).fetch('/health');
    assert.equal(res.status, 200);
  }
  // rtpengine's own health check (the compose healthcheck's command).
  await run('docker', ['exec', containerName('rtpengine'), '/usr/local/bin/rtpengine-healthcheck']);
});

test('the call in progress is unaffected: RTP both ways during and after the fuzzing', () => {
  const { during, after: afterFuzz } = result;
  assert.ok(during.packets > 0, 'no RTP came back during the fuzzing');
  assert.ok(
    during.maxGapMs < BLOCKED_MS,
    `RTP stopped for ${during.maxGapMs.toFixed(0)} ms during the fuzzing`,
  );
  assert.ok(afterFuzz.packets > 0, 'no RTP came back after the fuzzing');
  const call = result.after.call;
  assert.ok(call, 'the call is gone from its media server');
  assert.equal(call.state, 'answered');
  assert.ok(
    call.rtp.packetsReceived > result.before.callRtp.packetsReceived,
    'the media server stopped receiving our RTP',
  );
  assert.ok(
    call.rtp.packetsSent > result.before.callRtp.packetsSent,
    'the media server stopped sending RTP',
  );
});

test(`no message blocked the SBC for ${BLOCKED_MS} ms: every keepalive during the fuzzing was answered in time`, () => {
  const { keepalives } = result;
  assert.ok(keepalives.length > 0);
  const slow = keepalives.filter((s) => s === null || s >= BLOCKED_MS);
  assert.deepEqual(
    slow,
    [],
    `of ${keepalives.length} keepalives, answered late or never (ms): ${slow}`,
  );
});

/** What a finding's request is built from: the dialog and the CSeq number to use. */
interface DialogParts {
  call: Call<RawEndpoint>;
  caller: string;
  cseq: number;
}

// Findings of the fuzz stage, reduced to one message each (the SBC's, backend/kamailio):
// a malformed in-dialog request from the dialog's own caller is relayed far enough to fail
// inside Kamailio, which then answers "500 I'm terribly sorry, server error occurred (n/SL)"
// instead of refusing the message (400, RFC 3261 section 21.4.1; 488 for an SDP it cannot
// use, section 21.4.26).
/** The first line of the final reply to a request in a new echo call, or null for none. */
async function inDialogReply(
  lines: (dialog: DialogParts) => string[],
  body?: string,
): Promise<string | null> {
  const { call, caller, rtp } = await echoCall();
  try {
    const cseq = 50;
    const text = [...lines({ call, caller, cseq }), ...(body === undefined ? [] : ['', body])].join(
      '\r\n',
    );
    const start = call.ua.received.length;
    await call.ua.send(text);
    const reply = await call.ua.waitFor(
      (t) =>
        t.includes(call.callId) &&
        new RegExp(`^CSeq: ${cseq} `, 'm').test(t) &&
        !t.startsWith('SIP/2.0 100'),
      { timeoutMs: 2000, start },
    );
    return reply === null ? null : reply.slice(0, reply.indexOf('\r\n'));
  } finally {
    await call.status('BYE').catch(() => null);
    call.close();
    rtp.close();
  }
}
const dialogHead =
  (method: string) =>
  ({ call, caller, cseq }: DialogParts): string[] => [
    `${method} ${call.target} SIP/2.0`,
    `Via: SIP/2.0/UDP LOCAL;rport;branch=z9hG4bK${token()}`,
    ...call.routes.map((route) => `Route: ${route}`),
    `From: <sip:${caller}@${DOMAIN}>;tag=${call.fromTag}`,
    `To: ${call.to}`,
    `Call-ID: ${call.callId}`,
    `CSeq: ${cseq} ${method}`,
    'Max-Forwards: 70',
  ];
const refusedOrDropped = (status: string | null) =>
  status === null || /^SIP\/2\.0 4\d\d/.test(status);

test('finding (SBC): an in-dialog OPTIONS cut off before the end of its headers is refused or dropped, not answered 500', async () => {
  // Fuzz seed 1, lane dialog #57: the datagram ends after a header line, no blank line.
  const status = await inDialogReply((d) => [
    ...dialogHead('OPTIONS')(d),
    'Contact: <sip:x@LOCAL>\r\n',
  ]);
  assert.ok(refusedOrDropped(status), status ?? undefined);
});

test('finding (SBC): a re-INVITE with an SDP body that is not SDP is refused with a 4xx, not answered 500', async () => {
  // Fuzz seed 1, lane dialog #10039: random bytes as application/sdp.
  const body = 'garbage, not SDP\r\n';
  const status = await inDialogReply(
    (d) => [
      ...dialogHead('INVITE')(d),
      'Contact: <sip:x@LOCAL>',
      'Content-Type: application/sdp',
      `Content-Length: ${body.length}`,
    ],
    body,
  );
  assert.ok(refusedOrDropped(status), status ?? undefined);
});

test('finding (SBC): a re-INVITE whose SDP parses but that rtpengine refuses gets a 4xx, not 500', async () => {
  // Fuzz case sdpGarbage+duplicateHeader: a well-formed SDP naming port 65536.
  const body = [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 65536 RTP/AVP 0',
    '',
  ].join('\r\n');
  const status = await inDialogReply(
    (d) => [
      ...dialogHead('INVITE')(d),
      'Contact: <sip:x@LOCAL>',
      'Content-Type: application/sdp',
      `Content-Length: ${body.length}`,
    ],
    body,
  );
  assert.ok(refusedOrDropped(status), status ?? undefined);
});

test('summary (BENCHMARKS.md "SIP fuzzing")', () => {
  const lanes = {
    sbc: `SBC, UDP ${SBC.sipPort}`,
    wss: `SBC, WSS ${SBC.wssPort}`,
    dialog: 'in dialog, via SBC to media',
    media: `${result.server} direct, non-SBC source`,
  };
  const ms = (v: number | null) => (v === null ? '–' : v.toFixed(1));
  const rows = (Object.entries(lanes) as [Lane, string][]).map(([lane, name]) => {
    const t = tally(result.records[lane]);
    return `| ${name} | ${t.sent} | ${t.rejected4xx} | ${t.ok2xx} | ${t.other} | ${t.dropped + t.provisionalOnly} | ${ms(t.p99LatencyMs)} | ${ms(t.maxLatencyMs)} |`;
  });
  const all = Object.values(result.records).flat();
  const total = tally(all);
  const restarts = CONTAINERS.filter(
    (name) => result.after.containers[name].startedAt !== result.before.containers[name].startedAt,
  ).length;
  const keep = result.keepalives.filter((s) => s !== null);
  const line = `fuzz: seed ${SEED}, ${total.sent} sent in ${result.durationS.toFixed(1)} s, ${total.rejected4xx} rejected 4xx, ${total.ok2xx} 2xx, ${total.other} other, ${total.dropped + total.provisionalOnly} dropped, crashes ${restarts}, max reply latency ${ms(total.maxLatencyMs)} ms (p99 ${ms(total.p99LatencyMs)}), keepalive max ${ms(keep.length ? Math.max(...keep) : null)} ms, RTP max gap ${result.during.maxGapMs.toFixed(0)} ms, load ${result.load.toFixed(1)}`;
  console.log(line);
  const markdown = [
    `Seed ${SEED}, ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} cores, load average ${result.load.toFixed(1)} at the end; ${total.sent} messages in ${result.durationS.toFixed(1)} s.`,
    '',
    '| lane | sent | 4xx | 2xx | other | dropped | reply p99 (ms) | reply max (ms) |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Crashes/restarts: ${restarts}. Keepalive OPTIONS during the run: ${keep.length} of ${result.keepalives.length} answered, slowest ${ms(keep.length ? Math.max(...keep) : null)} ms (p99 ${ms(percentile(keep, 99))}). Call in progress: ${result.during.packets} RTP packets back during the run, longest gap ${result.during.maxGapMs.toFixed(0)} ms. This test process's own worst event-loop delay: ${result.ownLoopMaxMs.toFixed(0)} ms. WebSockets reopened after the SBC closed them: ${result.wssReopened}. Direct datagrams counted as dropped-untrusted by ${result.server}: ${result.after.stats[result.server].sipDropped.untrusted - result.before.stats[result.server].sipDropped.untrusted} (the rest lost in the socket buffer of a busy machine).`,
  ].join('\n');
  if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, `${markdown}\n`);
  console.log(markdown);
  assert.equal(restarts, 0);
});
