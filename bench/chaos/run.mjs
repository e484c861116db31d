// The chaos stage (issue 11 §3), run inside a lab namespace by bench/chaos/run.sh:
// with CHAOS_CALLS (default 20) sipp calls streaming RTP, each backend component is
// crashed (SIGKILL of its main process) CHAOS_TRIALS times (default 3), and this records
// what happened to the calls in progress and to new calls. Prints a Markdown section on
// stdout; each trial's raw figures go to CHAOS_RESULTS (JSON) when set.
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  CONTAINER,
  containerState,
  crash,
  liveCalls,
  longestStall,
  mediaLostMs,
  probeCalls,
  resumed,
  sampleMedia,
  spread,
  startLoad,
  waitAnswered,
  waitRecovered,
  wavSeconds,
} from '../../backend/test/chaos-lib.mjs';
import {
  dispatcherState,
  ephemeral,
  MEDIA_AUTH,
  MEDIA_HTTP,
  poll,
  RUN_DIR,
  sipp,
} from '../../backend/test/lib';

const CALLS = Number(process.env.CHAOS_CALLS ?? 20);
const TRIALS = Number(process.env.CHAOS_TRIALS ?? 3);
const HOLD_MS = Number(process.env.CHAOS_HOLD_MS ?? 30000);
const FAULTS = (process.env.CHAOS_FAULTS ?? 'rtpengine kamailio media1 credentials').split(/\s+/);
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (...args) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

/** sipp's final counts ("Successful call" / "Failed call" rows of its statistics screen). */
function sippCounts(output) {
  const count = (label) => {
    const rows = [...output.matchAll(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
    return rows.length ? Number(rows.at(-1)[1]) : undefined;
  };
  return { ok: count('Successful call'), failed: count('Failed call') };
}

/** Recording files of the calls on media1 and when each started (from their timelines). */
async function media1Recordings(caller) {
  const files = [];
  for (const call of await liveCalls()) {
    if (call.server !== 'media1' || !String(call.from).includes(caller)) continue;
    const res = await fetch(`http://127.0.0.1:${MEDIA_HTTP.media1}/calls/${call.callId}`, {
      headers: MEDIA_AUTH,
    });
    const event = (await res.json()).timeline?.find((e) => e.type === 'recording');
    if (event) files.push({ file: event.file, startedAt: event.t });
  }
  return files;
}

/** Every component healthy and both media servers taking calls: a trial starts from a whole system. */
async function settle() {
  await poll(
    async () => {
      for (const container of Object.values(CONTAINER)) {
        if ((await containerState(container)).health !== 'healthy') return false;
      }
      const state = await dispatcherState();
      return (
        Object.values(state).length === 2 && Object.values(state).every((f) => f.startsWith('A'))
      );
    },
    {
      timeoutMs: 120000,
      intervalMs: 500,
      what: 'every component healthy, both media servers active',
    },
  );
}

async function trial(fault) {
  await settle();
  // Recordings on the media server fault: the recordings are the data that must survive.
  const service = fault === 'media1' ? 'record' : 'echo';
  const load = startLoad({ calls: CALLS, holdMs: HOLD_MS, service });
  await waitAnswered(load.caller, CALLS);
  const sampler = sampleMedia(load.caller);
  // Normal media first (and, for recordings, past the prompt and a few header updates).
  await wait(fault === 'media1' ? 6000 : 3000);
  const before = (await liveCalls()).filter((c) => String(c.from).includes(load.caller));
  // Every media1 call recording (past its prompt) and a few header updates in.
  const recordings =
    fault === 'media1'
      ? await poll(
          async () => {
            const files = await media1Recordings(load.caller);
            const onMedia1 = (await liveCalls()).filter(
              (c) => c.server === 'media1' && String(c.from).includes(load.caller),
            ).length;
            return onMedia1 > 0 && files.length === onMedia1 && files;
          },
          { timeoutMs: 60000, intervalMs: 500, what: 'every media1 call recording' },
        )
      : [];
  if (fault === 'media1') await wait(3000);
  const registeredBefore = await sipp('register.xml', {
    vars: { EXPECT: 200, EXPIRES: 60 },
    service: 'agent3',
    auth: ephemeral('agent3'),
  });
  const crashed = await crash(fault);
  log(`${fault} killed with ${before.length} calls up`);
  // New calls keep coming while the component is down, as they would in production.
  const recovering = waitRecovered(crashed).catch((error) => ({ error: error.message }));
  const attempts = await probeCalls(crashed.at);
  // Phones re-register while the component is down (or just restarted).
  const registeredDuring = await sipp('register.xml', {
    vars: { EXPECT: 200, EXPIRES: 60 },
    service: 'agent3',
    auth: ephemeral('agent3'),
    timeoutS: 3,
  });
  const atKill = recordings.map((r) => ({
    ...r,
    killSeconds: wavSeconds(join(RUN_DIR, 'recordings/media1', r.file)),
  }));
  const recovered = await recovering;
  const result = await load.done;
  const series = await sampler.stop();
  const stats = [];
  for (const [key, samples] of series) {
    const last = samples.at(-1);
    const server = key.split('/')[0];
    const upAtKill = samples.some(([at, , state]) => at <= crashed.at && state === 'answered');
    if (!upAtKill) continue;
    const killedWithServer = fault === 'media1' && server === 'media1';
    stats.push({
      server,
      killedWithServer,
      // Audio lost after the kill (RTP sequence gaps) and the longest counter stall.
      lostMs: killedWithServer ? undefined : mediaLostMs(samples, crashed.at),
      stallMs: killedWithServer ? undefined : longestStall(samples, crashed.at, last[0]),
      baselineStallMs: longestStall(samples, 0, crashed.at),
      resumed: killedWithServer ? false : resumed(samples, crashed.at),
    });
  }
  const dataLost = [];
  for (const r of atKill) {
    const after = wavSeconds(join(RUN_DIR, 'recordings/media1', r.file));
    const expected = (crashed.at - r.startedAt) / 1000;
    dataLost.push({
      file: r.file,
      expected,
      atKill: r.killSeconds,
      afterRestart: after,
      lostSeconds: Math.max(0, expected - after),
    });
  }
  const sippResult = sippCounts(result.output);
  return {
    fault,
    callsUp: before.length,
    onServer: {
      media1: before.filter((c) => c.server === 'media1').length,
      media2: before.filter((c) => c.server === 'media2').length,
    },
    // A call dropped: its media never came back while its media server lived.
    dropped: stats.filter((s) => !s.killedWithServer && !s.resumed).length,
    maxLostMs: Math.max(0, ...stats.map((s) => s.lostMs ?? 0)),
    maxStallMs: Math.max(0, ...stats.map((s) => s.stallMs ?? 0)),
    baselineMaxStallMs: Math.max(0, ...stats.map((s) => s.baselineStallMs)),
    restartedMs: recovered.restartedMs,
    healthyMs: recovered.healthyMs,
    recoveryError: recovered.error,
    // New calls: a short call every 500 ms from the kill on (probeCalls, backend/test/chaos-lib.mjs).
    firstNewCallMs: (() => {
      const ok = attempts.filter((a) => a.ok).map((a) => a.startMs + a.setupMs);
      return ok.length ? Math.min(...ok) : undefined;
    })(),
    newCalls: attempts.length,
    newCallsFailed: attempts.filter((a) => !a.ok).length,
    newCallsFailedAfterHealthy: attempts.filter((a) => !a.ok && a.startMs >= recovered.healthyMs)
      .length,
    newCallFailures: attempts.filter((a) => !a.ok).map((a) => a.why),
    registeredBefore: registeredBefore.ok,
    registeredDuring: registeredDuring.ok,
    sipp: sippResult,
    recordings: dataLost,
  };
}

const fmt = (v) => (v === undefined ? '–' : String(Math.round(v)));
const triple = (values) => {
  const s = spread(values);
  return `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.max)}`;
};

// CHAOS_FROM=results.json: only print the table of an earlier run.
const results = process.env.CHAOS_FROM
  ? JSON.parse(readFileSync(process.env.CHAOS_FROM, 'utf8'))
  : [];
for (const fault of process.env.CHAOS_FROM ? [] : FAULTS) {
  for (let i = 0; i < TRIALS; i++) {
    log(`${fault}: trial ${i + 1}/${TRIALS} (load ${loadavg()[0].toFixed(1)})`);
    const r = await trial(fault);
    r.load = loadavg()[0];
    log(JSON.stringify(r));
    results.push(r);
    // Let media1's callers' hang-ups and the restarted component settle.
    await wait(2000);
  }
}
if (process.env.CHAOS_RESULTS && !process.env.CHAOS_FROM)
  writeFileSync(process.env.CHAOS_RESULTS, JSON.stringify(results, null, 2));

const lines = [
  '| fault (SIGKILL) | trials | calls up | dropped | audio lost max ms | counter stall max ms | container back ms | healthy ms | first new call done ms | new calls failed (of) | failed once healthy | caller hang-ups failed | REGISTER after the kill | data lost |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const fault of FAULTS) {
  const rs = results.filter((r) => r.fault === fault);
  const lost = rs.flatMap((r) => r.recordings);
  // Everything written before the kill is in the file; the header seen at the kill lags
  // the data by at most a second and the restarted server repairs it (wav.ts).
  const dataLost =
    fault === 'media1'
      ? `${lost.length} recordings, all valid WAV at the kill and after the restart; header behind the data at the kill ${triple(lost.map((l) => (l.afterRestart - l.atKill) * 1000))} ms, repaired at restart: 0 lost; audio in the file ${triple(lost.map((l) => (l.afterRestart / l.expected) * 100))} % of the recording's wall-clock time`
      : '0';
  lines.push(
    `| ${fault} | ${rs.length} | ${triple(rs.map((r) => r.callsUp))} | ${triple(rs.map((r) => r.dropped))} | ${triple(rs.map((r) => r.maxLostMs))} | ${triple(rs.map((r) => r.maxStallMs))} | ${triple(rs.map((r) => r.restartedMs))} | ${triple(rs.map((r) => r.healthyMs))} | ${triple(rs.map((r) => r.firstNewCallMs))} | ${triple(rs.map((r) => r.newCallsFailed))} (${triple(rs.map((r) => r.newCalls))}) | ${triple(rs.map((r) => r.newCallsFailedAfterHealthy))} | ${triple(rs.map((r) => r.sipp.failed))} | ${rs.filter((r) => r.registeredDuring).length}/${rs.length} ok | ${dataLost} |`,
  );
}
console.log(lines.join('\n'));
