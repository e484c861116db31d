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
  type Component,
  containerState,
  crash,
  liveCalls,
  longestStall,
  mediaLostMs,
  probeCalls,
  type Recovery,
  resumed,
  type Sample,
  sampleMedia,
  spread,
  startLoad,
  waitAnswered,
  waitRecovered,
  wavSeconds,
} from '../../backend/test/chaos-lib';
import { dispatcherState, ephemeral, mediaServerApi, RUN_DIR, sipp } from '../../backend/test/lib';
import { type CallDetail, MediaApiError } from '../../testkit/media-api';
import { poll, sleep } from '../../testkit/poll';
import type { MediaServerName } from '../../testkit/topology';

const CALLS = Number(process.env.CHAOS_CALLS ?? 20);
const TRIALS = Number(process.env.CHAOS_TRIALS ?? 3);
const HOLD_MS = Number(process.env.CHAOS_HOLD_MS ?? 30000);
// Components by their lab service names (chaos-lib's CONTAINER); not checked here: an
// unknown one fails at its first docker inspect.
const FAULTS = (process.env.CHAOS_FAULTS ?? 'rtpengine kamailio media1 credentials').split(
  /\s+/,
) as Component[];
const log = (...args: unknown[]) =>
  console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

/** Calls sipp counted as successful and failed; undefined when its output has no such row. */
interface SippCounts {
  ok: number | undefined;
  failed: number | undefined;
}

/** sipp's final counts ("Successful call" / "Failed call" rows of its statistics screen). */
function sippCounts(output: string): SippCounts {
  const count = (label: string) => {
    const rows = [...output.matchAll(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
    return rows.length ? Number((rows.at(-1) as RegExpExecArray)[1]) : undefined;
  };
  return { ok: count('Successful call'), failed: count('Failed call') };
}

/** A recording file on media1 and when it started (ms since epoch, from its call's timeline). */
interface Media1Recording {
  file: string;
  startedAt: number;
}

/** Recording files of the calls on media1 and when each started (from their timelines). */
async function media1Recordings(caller: string): Promise<Media1Recording[]> {
  const files: Media1Recording[] = [];
  for (const call of await liveCalls()) {
    if (call.server !== 'media1' || !String(call.from).includes(caller)) continue;
    let detail: CallDetail;
    try {
      detail = await mediaServerApi('media1').call(call.callId);
    } catch (error) {
      // An error status (the call already gone): no timeline, no recording.
      if (error instanceof MediaApiError) continue;
      throw error;
    }
    const event = detail.timeline?.find((e) => e.type === 'recording');
    if (event) files.push({ file: String(event.file), startedAt: event.t });
  }
  return files;
}

/** Every component healthy and both media servers taking calls: a trial starts from a whole system. */
async function settle(): Promise<void> {
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

/** One call of a trial up when the component was killed. */
interface CallStat {
  server: string;
  /** The call was on the media server that was killed: its media cannot come back. */
  killedWithServer: boolean;
  lostMs: number | undefined;
  stallMs: number | undefined;
  baselineStallMs: number;
  resumed: boolean;
}

/** A media1 recording across the kill, in seconds of audio. */
interface RecordingLoss {
  file: string;
  /** Wall-clock time from the recording's start to the kill. */
  expected: number;
  /** What the file's header declared right after the kill. */
  atKill: number;
  /** What it declares after the restart (the restarted server repairs the header). */
  afterRestart: number;
  lostSeconds: number;
}

/** One trial's figures: what goes to CHAOS_RESULTS and what CHAOS_FROM reads back. */
interface TrialResult {
  fault: Component;
  callsUp: number;
  onServer: Record<MediaServerName, number>;
  dropped: number;
  maxLostMs: number;
  maxStallMs: number;
  baselineMaxStallMs: number;
  /** Undefined when the component did not recover (recoveryError says why). */
  restartedMs: number | undefined;
  healthyMs: number | undefined;
  recoveryError: string | undefined;
  firstNewCallMs: number | undefined;
  newCalls: number;
  newCallsFailed: number;
  newCallsFailedAfterHealthy: number;
  newCallFailures: (string | undefined)[];
  registeredBefore: boolean;
  registeredDuring: boolean;
  sipp: SippCounts;
  recordings: RecordingLoss[];
  /** The 1-minute load average after the trial. */
  load?: number;
}

async function trial(fault: Component): Promise<TrialResult> {
  await settle();
  // Recordings on the media server fault: the recordings are the data that must survive.
  const service = fault === 'media1' ? 'record' : 'echo';
  const load = startLoad({ calls: CALLS, holdMs: HOLD_MS, service });
  await waitAnswered(load.caller, CALLS);
  const sampler = sampleMedia(load.caller);
  // Normal media first (and, for recordings, past the prompt and a few header updates).
  await sleep(fault === 'media1' ? 6000 : 3000);
  const before = (await liveCalls()).filter((c) => String(c.from).includes(load.caller));
  // Every media1 call recording (past its prompt) and a few header updates in.
  const recordings: Media1Recording[] =
    fault === 'media1'
      ? // poll resolves with a truthy value only: the files.
        ((await poll(
          async () => {
            const files = await media1Recordings(load.caller);
            const onMedia1 = (await liveCalls()).filter(
              (c) => c.server === 'media1' && String(c.from).includes(load.caller),
            ).length;
            return onMedia1 > 0 && files.length === onMedia1 && files;
          },
          { timeoutMs: 60000, intervalMs: 500, what: 'every media1 call recording' },
        )) as Media1Recording[])
      : [];
  if (fault === 'media1') await sleep(3000);
  const registeredBefore = await sipp('register.xml', {
    vars: { EXPECT: 200, EXPIRES: 60 },
    service: 'agent3',
    auth: ephemeral('agent3'),
  });
  const crashed = await crash(fault);
  log(`${fault} killed with ${before.length} calls up`);
  // New calls keep coming while the component is down, as they would in production.
  const recovering: Promise<Partial<Recovery> & { error?: string }> = waitRecovered(crashed).catch(
    (error: unknown) => ({
      error: error instanceof Error ? error.message : String(error),
    }),
  );
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
  const stats: CallStat[] = [];
  for (const [key, samples] of series) {
    const last = samples.at(-1) as Sample;
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
  const dataLost: RecordingLoss[] = [];
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
    // New calls: a short call every 500 ms from the kill on (probeCalls, backend/test/chaos-lib.ts).
    firstNewCallMs: (() => {
      const ok = attempts.filter((a) => a.ok).map((a) => a.startMs + a.setupMs);
      return ok.length ? Math.min(...ok) : undefined;
    })(),
    newCalls: attempts.length,
    newCallsFailed: attempts.filter((a) => !a.ok).length,
    // None when the component never got healthy (healthyMs undefined).
    newCallsFailedAfterHealthy: attempts.filter(
      (a) => !a.ok && recovered.healthyMs !== undefined && a.startMs >= recovered.healthyMs,
    ).length,
    newCallFailures: attempts.filter((a) => !a.ok).map((a) => a.why),
    registeredBefore: registeredBefore.ok,
    registeredDuring: registeredDuring.ok,
    sipp: sippResult,
    recordings: dataLost,
  };
}

const fmt = (v: number | undefined) => (v === undefined ? '–' : String(Math.round(v)));
const triple = (values: readonly (number | undefined)[]) => {
  const s = spread(values);
  return `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.max)}`;
};

// CHAOS_FROM=results.json: only print the table of an earlier run.
const results: TrialResult[] = process.env.CHAOS_FROM
  ? (JSON.parse(readFileSync(process.env.CHAOS_FROM, 'utf8')) as TrialResult[])
  : [];
for (const fault of process.env.CHAOS_FROM ? [] : FAULTS) {
  for (let i = 0; i < TRIALS; i++) {
    log(`${fault}: trial ${i + 1}/${TRIALS} (load ${loadavg()[0].toFixed(1)})`);
    const r = await trial(fault);
    r.load = loadavg()[0];
    log(JSON.stringify(r));
    results.push(r);
    // Let media1's callers' hang-ups and the restarted component settle.
    await sleep(2000);
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
