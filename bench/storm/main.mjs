// `npm run bench -- storm` (bench/storm/run.sh runs this inside the lab namespace): the
// reconnect storm with STORM_ENGINES engines (default 1,000), its curve and key times in
// bench/results/storm.json and in BENCHMARKS.md between the storm markers.
//
//   node bench/storm/main.mjs                        run the storm, write the section
//   node bench/storm/main.mjs extract|insert FILE    keep the section across a full
//                                                    `npm run bench` (bench/run.sh rewrites
//                                                    BENCHMARKS.md whole)
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildStorm } from './build.mjs';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const BENCHMARKS = join(ROOT, 'BENCHMARKS.md');
const START = '<!-- storm:start (bench/storm/run.sh) -->';
const END = '<!-- storm:end -->';
/** The goal (issue 11 §3): every engine registered again within this long. */
const GOAL_S = 30;

function section(text) {
  const start = text.indexOf(START);
  const end = text.indexOf(END, start);
  return start === -1 || end === -1 ? undefined : { start, end: end + END.length };
}

function insertSection(body) {
  const text = existsSync(BENCHMARKS) ? readFileSync(BENCHMARKS, 'utf8') : '';
  const at = section(text);
  const block = `${START}\n${body.trim()}\n${END}`;
  writeFileSync(
    BENCHMARKS,
    at ? text.slice(0, at.start) + block + text.slice(at.end) : `${text.trimEnd()}\n\n${block}\n`,
  );
}

const seconds = (value) => (value === undefined ? 'never' : `${value.toFixed(1)} s`);

/** The curve, compacted: a row whenever a count changed (the first and last always). */
function curveTable(samples) {
  const rows = ['| t (s) | engines registered | Kamailio usrloc | sockets opened in the 0.5 s |'];
  rows.push('|---:|---:|---:|---:|');
  let previous;
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

function report(result, when, load) {
  const back = result.kamailioBackAt;
  const fromBack = (t) => (t === undefined || back === undefined ? undefined : t - back);
  const verdict =
    result.enginesBackAt !== undefined &&
    result.kamailioAllAt !== undefined &&
    fromBack(result.kamailioAllAt) <= GOAL_S &&
    result.refusals.length === 0
      ? `**met** (goal: all ${result.count} registered again within ${GOAL_S} s of the SBC's return, no refusal)`
      : `**missed** (goal: all ${result.count} registered again within ${GOAL_S} s of the SBC's return, no refusal)`;
  const refusals = result.refusals.length
    ? result.refusals
        .slice(0, 5)
        .map((r) => `  - engine ${r.phone}: ${r.state}, ${r.message}`)
        .join('\n')
    : '';
  return `## Reconnect storm

${result.count} engines (src/engine \`Phone\` on JsSIP, in one Node process, \`ws\` as its
WebSocket, each its own auth_ephemeral user) registered over WSS to the lab's Kamailio, which
is then restarted (\`lab.sh compose restart kamailio\`). Times are from the restart command.
Engines: their own \`state\`, every 0.5 s; Kamailio: \`kamcmd stats.get_statistics
usrloc:registered_users\` (its registrations are in memory, so they start again from 0).
Run ${when}, load average ${load}, 2 cores shared with other work.

- Initial registration of all ${result.count}: ${result.initial.seconds.toFixed(1)} s.
- Engines lost the SBC at ${seconds(result.lostAt)}; Kamailio answered again at
  ${seconds(back)}; the restart command returned at ${seconds(result.restartDoneAt)}.
- **All engines registered again at ${seconds(result.enginesBackAt)}** (engines' state), Kamailio
  held all ${result.count} at ${seconds(result.kamailioAllAt)}: ${seconds(fromBack(result.kamailioAllAt))} after it came back. ${verdict}.
- Sockets opened after the restart: ${result.sockets.opened} (${result.sockets.handshakes} upgraded,
  ${result.sockets.failed} refused or failed before the upgrade while the SBC was down, ${result.sockets.closed} closed after the upgrade);
  registration refusals (a SIP error to a REGISTER, or an engine giving up): ${result.refusals.length};
  engines left \`failed\`: ${result.failedPhones}.
${refusals}

${curveTable(result.samples)}
`;
}

async function main() {
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
  const bundle = await buildStorm(join(tmpdir(), `storm-${process.pid}.mjs`));
  const { runStorm } = await import(bundle);
  const result = await runStorm({
    count,
    prefix: `storm${Date.now().toString(36)}`,
    runDir: join(ROOT, 'backend/run'),
    restart: () =>
      run('bash', [join(ROOT, 'backend/lab/lab.sh'), 'compose', 'restart', 'kamailio']),
    log: (line) => console.log(line),
  });
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/storm.json'), JSON.stringify(result, null, 2));
  if (!result.initialOk) {
    console.error('the fleet never registered completely: no storm run');
    process.exitCode = 1;
    return;
  }
  const text = report(
    result,
    new Date().toISOString().slice(0, 16).replace('T', ' '),
    readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
  );
  console.log(text);
  insertSection(text);
}

await main();
// The engines' timers (keepalive, JsSIP) are stopped, but do not wait for stragglers.
process.exit(process.exitCode ?? 0);
