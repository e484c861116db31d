// Drives one level after another: start the bundled server, let sipp hold N calls, reset
// the server's interval histogram once all N are up, measure for a fixed window, and
// collect CPU (from /proc), RSS, send-interval percentiles and sipp's verdict.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaApi, type StatsResponse } from '../../testkit/media-api';
import { poll, sleep } from '../../testkit/poll';
import { runSipp } from '../../testkit/sipp';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
// A level is "calls" or "priority:calls"; priority "rt" runs the server under SCHED_RR 10
// (as FreeSWITCH does with -rp: on a shared, busy machine the pacing otherwise measures the
// neighbours), "normal" under the default scheduler. MEDIA_PRIORITY sets the default.
type Priority = 'rt' | 'normal';
const isPriority = (value: string | undefined): value is Priority =>
  value === 'rt' || value === 'normal';
const DEFAULT_PRIORITY: Priority = process.env.MEDIA_PRIORITY === 'normal' ? 'normal' : 'rt';
const LEVELS = (
  args.length > 0 ? args : ['rt:200', 'rt:400', 'rt:600', 'rt:800', 'normal:200']
).map((arg): { priority: Priority; calls: number } => {
  const [priority, calls] = arg.includes(':') ? arg.split(':') : [DEFAULT_PRIORITY, arg];
  if (!isPriority(priority) || !(Number(calls) > 0)) throw new Error(`bad level "${arg}"`);
  return { priority, calls: Number(calls) };
});
const SCHEDULING: Record<Priority, string> = {
  rt: 'SCHED_RR 10 (chrt -r 10)',
  normal: 'default (SCHED_OTHER)',
};
const WINDOW_MS = 20_000;
const CALL_RATE = 100;
const CALLS_PER_SIPP = 150;
// The server's own ports, fixed: the network namespace (run.sh, unshare -n) is this run's.
const SIP_PORT = 5071;
const HTTP_PORT = 8071;
const CLOCK_TICKS = 100; // USER_HZ on Linux

// The server refuses to start without an API token file; this run makes its own.
const TOKEN = randomBytes(32).toString('hex');
const TOKEN_FILE = join(mkdtempSync(join(os.tmpdir(), 'media-bench-')), 'token');
writeFileSync(TOKEN_FILE, TOKEN, { mode: 0o600 });

const api = new MediaApi(`http://127.0.0.1:${HTTP_PORT}`, TOKEN);

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line!.split(/\s+/)[1]) * 1024;
}

/** UDP counters of this network namespace (server and sipp are its only users). */
function udpCounters(): Record<string, number> {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/).slice(1);
  const values = lines[1].split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

/** Receive-buffer drops at the server's RTP sockets and at the others (sipp's). */
interface SocketDrops {
  server: number;
  others: number;
}

/** One level's measurements, as media.json keeps them (with its priority and load). */
interface LevelResult {
  calls: number;
  sippExit: number;
  sippInstances: number;
  endReasons: Record<string, number>;
  activeDuringWindow: number;
  failed: number;
  sendInterval: StatsResponse['sendInterval'];
  cpuPercent: number;
  cpuPercentPerCall: number;
  rssMB: number;
  rssPerCallKB: number;
  rtpReceived: number;
  rtpLost: number;
  udpRcvbufErrorsInWindow: number;
  socketDropsSinceStart: SocketDrops;
}

/** Receive-buffer drops per socket from /proc/net/udp, split into the server's RTP ports and the rest (sipp). */
function socketDrops(): SocketDrops {
  let server = 0;
  let others = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 13) continue;
    const port = Number.parseInt(fields[1].split(':')[1], 16);
    const drops = Number(fields.at(-1));
    if (port >= 20000 && port <= 29999) server += drops;
    else others += drops;
  }
  return { server, others };
}

async function runLevel(calls: number, priority: Priority): Promise<LevelResult> {
  const command = priority === 'rt' ? ['chrt', '-r', '10', 'node'] : ['node'];
  const server = spawn(
    command[0],
    [...command.slice(1), join(root, 'backend/media/dist/server.js')],
    {
      env: {
        ...process.env,
        SERVER_NAME: 'bench',
        SIP_PORT: String(SIP_PORT),
        HTTP_PORT: String(HTTP_PORT),
        RTP_PORT_MIN: '20000',
        RTP_PORT_MAX: '29999',
        RTP_TIMEOUT_S: '30',
        HISTORY_SIZE: '5000',
        LOG_LEVEL: 'warn',
        RECORDINGS_DIR: '/tmp/media-bench-recordings',
        MEDIA_API_TOKEN_FILE: TOKEN_FILE,
        // sipp plays the SBC here, from its own ports on loopback.
        TRUSTED_SIP_SOURCES: '127.0.0.1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => server.on('exit', resolve));
  // Aborting kills every sipp still running (a level that fails part way).
  const sippStop = new AbortController();
  try {
    await poll(async () => (await api.health()).status === 'ok', {
      timeoutMs: 5000,
      what: 'server start',
      retryErrors: true,
    });
    // It answered, so it was spawned and has a pid (a failed spawn emits an 'error' nobody
    // listens to, which ends this process).
    const pid = server.pid!;
    const idleRss = rssBytes(pid);
    const holdMs = Math.ceil((calls / CALL_RATE) * 1000) + WINDOW_MS + 8000;
    // sipp echoes RTP on one thread per process: past ~300 calls (15k pps) one process
    // starts dropping, so the load is spread over several instances, each on ports of
    // its own from the test range.
    const instances = Math.ceil(calls / CALLS_PER_SIPP);
    const sippDone = Promise.all(
      Array.from({ length: instances }, (_, i) => {
        const share = Math.floor(calls / instances) + (i < calls % instances ? 1 : 0);
        return runSipp({
          scenario: join(root, 'backend/media/test/sipp/call.xml'),
          target: `127.0.0.1:${SIP_PORT}`,
          mediaHost: '127.0.0.1',
          timeoutS: Math.ceil(holdMs / 1000) + 30,
          signal: sippStop.signal,
          args: [
            ...['-s', 'music', '-rtp_echo'],
            ...['-l', String(share), '-m', String(share)],
            ...['-r', String(Math.ceil(CALL_RATE / instances)), '-d', String(holdMs)],
          ],
        });
      }),
    );
    await poll(async () => (await api.stats()).calls >= calls, {
      timeoutMs: 60_000,
      what: `${calls} calls up`,
      retryErrors: true,
    });
    await sleep(2000); // let the ramp's setup burst settle before measuring
    await api.resetStats();
    const cpuStart = cpuSeconds(pid);
    const udpStart = udpCounters();
    const startedAt = Date.now();
    await sleep(WINDOW_MS);
    const cpuUsed = cpuSeconds(pid) - cpuStart;
    const udpEnd = udpCounters();
    const drops = socketDrops();
    const elapsed = (Date.now() - startedAt) / 1000;
    const stats = await api.stats();
    const rss = rssBytes(pid);
    await poll(async () => (await api.stats()).calls === 0, {
      timeoutMs: holdMs + 30_000,
      what: 'calls to end',
      retryErrors: true,
    });
    const history = await api.history(0);
    const ended = history.filter((c) => c.service === 'music');
    // sipp exits 0 only when every call succeeded; the server's side must agree.
    const sippExits = (await sippDone).map((sipp) => sipp.code);
    const sippExit = sippExits.find((code) => code !== 0) ?? 0;
    const reasons: Record<string, number> = {};
    for (const call of ended) {
      // A call without a reason (null) counts under the key "null".
      const reason = String(call.reason);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    const failed =
      ended.filter((c) => c.reason !== 'remote-bye').length + Math.max(0, calls - ended.length);
    const lost = ended.reduce((sum, c) => sum + (c.rtp.lost ?? 0), 0);
    const received = ended.reduce((sum, c) => sum + (c.rtp.packetsReceived ?? 0), 0);
    return {
      calls,
      sippExit,
      sippInstances: instances,
      endReasons: reasons,
      activeDuringWindow: stats.calls,
      failed,
      sendInterval: stats.sendInterval,
      cpuPercent: Math.round((cpuUsed / elapsed) * 1000) / 10,
      cpuPercentPerCall: Math.round((cpuUsed / elapsed / calls) * 100000) / 1000,
      rssMB: Math.round(rss / 1048576),
      rssPerCallKB: Math.round((rss - idleRss) / calls / 1024),
      rtpReceived: received,
      rtpLost: lost,
      udpRcvbufErrorsInWindow: udpEnd.RcvbufErrors - udpStart.RcvbufErrors,
      socketDropsSinceStart: drops,
    };
  } finally {
    sippStop.abort();
    if (server.exitCode === null) server.kill('SIGTERM');
    await exited;
  }
}

const machine = `${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Linux ${os.release()}, Node ${process.version}`;
console.log(`media server benchmark: ${machine}`);
console.log(
  `method: sipp UACs (${CALLS_PER_SIPP} calls each) -> server (service music, PCMU 20 ms), sipp -rtp_echo returns the RTP; ${CALL_RATE} cps ramp,`,
);
console.log(
  `        ${WINDOW_MS / 1000} s window after all calls are up; send intervals measured per stream inside the server.`,
);
const results: (LevelResult & { priority: Priority; loadAverage: number })[] = [];
for (const { calls, priority } of LEVELS) {
  const load = os.loadavg()[0].toFixed(1);
  const result = { priority, loadAverage: Number(load), ...(await runLevel(calls, priority)) };
  results.push(result);
  const s = result.sendInterval;
  console.log(
    `${String(calls).padStart(5)} calls, ${SCHEDULING[priority]}, load ${load} | failed ${result.failed} (sipp x${result.sippInstances} exit ${result.sippExit}, ends ${JSON.stringify(result.endReasons)}) | send interval p50 ${s.p50Ms} p99 ${s.p99Ms} p99.9 ${s.p999Ms} max ${s.maxMs} ms (${s.count} samples)` +
      ` | CPU ${result.cpuPercent}% (${result.cpuPercentPerCall}%/call) | RSS ${result.rssMB} MB (${result.rssPerCallKB} KB/call)` +
      ` | RTP in ${result.rtpReceived} lost ${result.rtpLost} (UDP rcvbuf drops in window: ${result.udpRcvbufErrorsInWindow}; since start at server sockets ${result.socketDropsSinceStart.server}, at sipp ${result.socketDropsSinceStart.others})`,
  );
}
const outDir = join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'media.json'),
  `${JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2)}\n`,
);
for (const priority of new Set(results.map((r) => r.priority))) {
  const passing = results.filter(
    (r) =>
      r.priority === priority && r.failed === 0 && r.sippExit === 0 && r.sendInterval.p99Ms <= 25,
  );
  console.log(
    `${SCHEDULING[priority]}: highest level with 0 failed calls and p99 <= 25 ms: ${passing.length ? Math.max(...passing.map((r) => r.calls)) : 'none'}`,
  );
}
