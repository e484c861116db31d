// `npm run bench -- storm` (bench/storm/run.sh runs this inside the lab namespace): the
// reconnect storm with STORM_ENGINES engines (default 1,000), STORM_RUNS times (default 3:
// on a shared 2-core machine one run says little), each run's key times and the first run's
// curve in bench/results/storm.json and in BENCHMARKS.md between the storm markers.
//
//   node --import tsx bench/storm/main.ts                      run the storm, write the section
//   node --import tsx bench/storm/main.ts extract|insert FILE  keep the section across a full
//                                                              `npm run bench` (bench/run.sh
//                                                              rewrites BENCHMARKS.md whole)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { containerName } from '../../testkit/topology';
import { buildStorm } from './build';
import type { StormResult, StormRun, StormSample } from './storm';

/** One run as storm.json keeps it: its result, and the 1-minute load average it ended at. */
interface RunRecord {
  result: StormResult;
  load: string;
}

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const BENCHMARKS = join(ROOT, 'BENCHMARKS.md');
const START = '<!-- storm:start (bench/storm/run.sh) -->';
const END = '<!-- storm:end -->';
/** The goal (issue 11 §3): every engine registered again within this long. */
const GOAL_S = 30;

function section(text: string): { start: number; end: number } | undefined {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : { start, end: end + END.length };
}

function insertSection(body: string): void {
  const text = existsSync(BENCHMARKS) ? readFileSync(BENCHMARKS, 'utf8') : '';
  const at = section(text);
  const block = `${START}\n${body.trim()}\n${END}`;
  writeFileSync(
    BENCHMARKS,
    at ? text.slice(0, at.start) + block + text.slice(at.end) : `${text.trimEnd()}\n\n${block}\n`,
  );
}

const seconds = (value: number | undefined): string =>
  value === undefined ? 'never' : `${value.toFixed(1)} s`;

/** The curve, compacted: a row whenever a count changed (the first and last always). */
function curveTable(samples: readonly StormSample[]): string {
  const rows = ['| t (s) | engines registered | Kamailio usrloc | sockets opened in the 0.5 s |'];
  rows.push('|---:|---:|---:|---:|');
  let previous: StormSample | undefined;
  samples.forEach((s, i) => {
    const changed =
      !previous ||
      s.engines !== previous.engines ||
      s.kamailio !== previous.kamailio ||
      s.opened > 0 ||
      i === samples.length - 1;
    if (changed) rows.push(`| ${s.t.toFixed(1)} | ${s.engines} | ${s.kamailio} | ${s.opened} |`);
    previous = s;
  });
  return rows.join('\n');
}

/** Met: every engine and Kamailio's usrloc back within GOAL_S of Kamailio's return, no refusal. */
function met(result: StormRun): boolean {
  const back = result.kamailioBackAt;
  return (
    result.enginesBackAt !== undefined &&
    result.kamailioAllAt !== undefined &&
    back !== undefined &&
    Math.max(result.enginesBackAt, result.kamailioAllAt) - back <= GOAL_S &&
    result.refusals.length === 0 &&
    result.failedPhones === 0
  );
}

/** One row per run: what the goal is about, and the load it ran at. */
function runsTable(runs: readonly RunRecord[]): string {
  const rows = [
    "| run | load (1 min) | initial registration | Kamailio back | all registered again | after Kamailio's return | sockets opened | refusals | goal |",
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  runs.forEach(({ result, load }, i) => {
    if (!result.initialOk) {
      rows.push(
        `| ${i + 1} | ${load} | never (${result.initial.engines ?? 0} of ${result.count} after ${result.initial.seconds.toFixed(0)} s) | | | | | | no storm run |`,
      );
      return;
    }
    const all =
      result.enginesBackAt === undefined || result.kamailioAllAt === undefined
        ? undefined
        : Math.max(result.enginesBackAt, result.kamailioAllAt);
    const after =
      all === undefined || result.kamailioBackAt === undefined
        ? undefined
        : all - result.kamailioBackAt;
    rows.push(
      `| ${i + 1} | ${load} | ${seconds(result.initial.seconds)} | ${seconds(result.kamailioBackAt)} | ${seconds(all)} | **${seconds(after)}** | ${result.sockets.opened} | ${result.refusals.length} | ${met(result) ? 'met' : 'missed'} |`,
    );
  });
  return rows.join('\n');
}

function report(runs: readonly RunRecord[], when: string, kamailio: string): string {
  // main reports only when a run got past the initial registration.
  const shown = runs.find((r): r is RunRecord & { result: StormRun } => r.result.initialOk);
  if (!shown) throw new Error('no run got past the initial registration: nothing to report');
  const { result, load } = shown;
  const back = result.kamailioBackAt;
  const fromBack = (t: number | undefined): number | undefined =>
    t === undefined || back === undefined ? undefined : t - back;
  const metCount = runs.filter((r) => r.result.initialOk && met(r.result)).length;
  const verdict = `**${metCount === runs.length ? 'Met' : 'Missed'} in ${metCount} of ${runs.length} runs** (goal: all ${result.count} registered again within ${GOAL_S} s of the SBC's return, no refusal).`;
  const refusals = result.refusals.length
    ? result.refusals
        .slice(0, 5)
        .map((r) => `  - engine ${r.phone}: ${r.state}, ${r.message}`)
        .join('\n')
    : '';
  const curve = result.samples.length ? curveTable(result.samples) : '';
  return `## Reconnect storm

${result.count} engines (src/engine \`Phone\` on JsSIP, in one Node process, \`ws\` as its
WebSocket, each its own auth_ephemeral user) registered over WSS to the lab's Kamailio
(${kamailio}), which is then restarted (\`lab.sh compose restart kamailio\`). Times are from the
restart command. Engines: their own \`state\`, every 0.5 s; Kamailio: \`kamcmd
stats.get_statistics usrloc:registered_users\` (its registrations are in memory, so they start
again from 0). ${runs.length} runs from ${when}, 2 cores shared with other work (the engines
themselves, all in one process, take more CPU than Kamailio).

${verdict}

${runsTable(runs)}

The curve of run ${runs.findIndex((r) => r.result === result) + 1} (load ${load}):

- Initial registration of all ${result.count}: ${result.initial.seconds.toFixed(1)} s.
- Engines lost the SBC at ${seconds(result.lostAt)}; Kamailio answered again at
  ${seconds(back)}; the restart command returned at ${seconds(result.restartDoneAt)}.
- **All engines registered again at ${seconds(result.enginesBackAt)}** (engines' state), Kamailio
  held all ${result.count} at ${seconds(result.kamailioAllAt)}: ${seconds(fromBack(result.kamailioAllAt))} after it came back.
- Sockets opened after the restart: ${result.sockets.opened} (${result.sockets.handshakes} upgraded,
  ${result.sockets.failed} refused, timed out or failed before the upgrade, ${result.sockets.closed} closed after the upgrade);
  registration refusals (a SIP error to a REGISTER, or an engine giving up): ${result.refusals.length};
  engines left \`failed\`: ${result.failedPhones}.
${refusals}

${curve}
`;
}

/** The Kamailio the lab runs (`kamailio -v`), e.g. "kamailio 6.0.1". */
async function kamailioVersion(): Promise<string> {
  try {
    const { stdout } = await run('docker', ['exec', containerName('kamailio'), 'kamailio', '-v']);
    return /version:\s*(kamailio \S+)/.exec(stdout)?.[1] ?? 'version unknown';
  } catch {
    return 'version unknown';
  }
}

async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  if (command === 'extract') {
    const text = existsSync(BENCHMARKS) ? readFileSync(BENCHMARKS, 'utf8') : '';
    const at = section(text);
    writeFileSync(file, at ? text.slice(at.start + START.length, at.end - END.length).trim() : '');
    return;
  }
  if (command === 'insert') {
    const body = readFileSync(file, 'utf8');
    if (body.trim() !== '') insertSection(body);
    return;
  }
  const count = Number(process.env.STORM_ENGINES ?? 1000);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`STORM_ENGINES must be a positive whole number: got ${count}`);
  }
  const runsWanted = Number(process.env.STORM_RUNS ?? 3);
  if (!Number.isInteger(runsWanted) || runsWanted < 1) {
    throw new Error(`STORM_RUNS must be a positive whole number: got ${runsWanted}`);
  }
  const bundle = await buildStorm(join(tmpdir(), `storm-${process.pid}.mjs`));
  // The bundle is storm.ts built with its dependencies: storm.ts's exports.
  const { runStorm } = (await import(bundle)) as typeof import('./storm');
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const kamailio = await kamailioVersion();
  const runs: RunRecord[] = [];
  for (let i = 1; i <= runsWanted; i += 1) {
    console.log(`run ${i} of ${runsWanted} (load ${loadAverage()})`);
    const result = await runStorm({
      count,
      prefix: `storm${Date.now().toString(36)}`,
      runDir: join(ROOT, 'backend/run'),
      restart: () =>
        run('bash', [join(ROOT, 'backend/lab/lab.sh'), 'compose', 'restart', 'kamailio']),
      log: (line) => console.log(line),
    });
    // The load the run ended at: it covers the storm itself.
    runs.push({ result, load: loadAverage() });
    if (!result.initialOk) console.error(`run ${i}: the fleet never registered completely`);
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/storm.json'), JSON.stringify(runs, null, 2));
  if (!runs.some((r) => r.result.initialOk)) {
    console.error('the fleet never registered completely: no storm run');
    process.exitCode = 1;
    return;
  }
  const text = report(runs, when, kamailio);
  console.log(text);
  insertSection(text);
}

const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

await main();
// The engines' timers (keepalive, JsSIP) are stopped, but do not wait for stragglers.
process.exit(process.exitCode ?? 0);
