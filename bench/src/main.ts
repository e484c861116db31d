/**
 * The benchmark harness (built to bench/results/build/harness.mjs by bench/run.sh).
 *
 *   harness.mjs run [weight registration call dtmf cost layout]   browser benchmarks (in
 *                                                  the lab namespace); default: all
 *   harness.mjs report                             BENCHMARKS.md from the results and, for
 *                                                  what they lack, the previous BENCHMARKS.md
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchCallSetup, benchDtmf } from './bench-call';
import { benchCost } from './bench-cost';
import { benchLayout } from './bench-layout';
import { benchRegistration } from './bench-registration';
import { benchWeight } from './bench-weight';
import { launchBrowser } from './browser';
import { BENCH_DIR, REPO_ROOT, RESULTS_DIR, RUNS, WARMUP_RUNS } from './config';
import { currentLoad, describeMachine } from './machine';
import { servePages } from './pages';
import {
  type BrowserResults,
  type ExternalSection,
  RESULTS_FORMAT,
  renderBenchmarks,
  renderBrowserResults,
} from './report';

const BROWSER_RESULTS = path.join(RESULTS_DIR, 'browser.json');
/** Markdown written by bench/run.sh from the other helpers' scripts. */
const EXTERNAL_DIR = path.join(RESULTS_DIR, 'external');
/** Hand-written analysis (missed budgets, faults, the reconnect storm's history), appended to BENCHMARKS.md. */
const ANALYSIS_FILE = path.join(BENCH_DIR, 'analysis.md');

const BENCHMARKS = {
  weight: benchWeight,
  registration: benchRegistration,
  call: benchCallSetup,
  dtmf: benchDtmf,
  cost: benchCost,
  layout: benchLayout,
} as const;

type BenchmarkName = keyof typeof BENCHMARKS;

const RESULT_KEYS = {
  weight: 'weight',
  registration: 'registration',
  call: 'callSetup',
  dtmf: 'dtmf',
  cost: 'cost',
  layout: 'layout',
} as const satisfies Record<BenchmarkName, keyof BrowserResults>;

function selected(args: string[]): BenchmarkName[] {
  const names = Object.keys(BENCHMARKS) as BenchmarkName[];
  if (args.length === 0) return names;
  const unknown = args.filter((a) => !names.includes(a as BenchmarkName));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${names.join(', ')}`);
  return args as BenchmarkName[];
}

async function run(args: string[]): Promise<void> {
  const names = selected(args);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const machine = describeMachine();
  console.log(
    `machine: ${machine.cpu} ×${machine.cores}, ${machine.chromium}, load ${machine.loadAtStart.toFixed(2)}`,
  );
  // Keep earlier results of benchmarks not run this time (e.g. `run dtmf` after a full run).
  const stored: Partial<BrowserResults> = existsSync(BROWSER_RESULTS)
    ? JSON.parse(readFileSync(BROWSER_RESULTS, 'utf8'))
    : {};
  const previous = stored.format === RESULTS_FORMAT ? stored : {};
  const results: BrowserResults = {
    ...previous,
    format: RESULTS_FORMAT,
    machine,
    runs: RUNS,
    warmup: WARMUP_RUNS,
  };
  const server = await servePages();
  const browser = await launchBrowser();
  try {
    for (const name of names) {
      const started = Date.now();
      console.log(`${name}: running (load ${currentLoad().toFixed(2)})`);
      const key = RESULT_KEYS[name];
      Object.assign(results, { [key]: await BENCHMARKS[name](browser) });
      console.log(`${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  results.machine.loadAtEnd = currentLoad();
  writeFileSync(BROWSER_RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\n${renderBrowserResults(results)}\n`);
}

const readIfPresent = (file: string): string | undefined =>
  existsSync(file) ? readFileSync(file, 'utf8') : undefined;

/** Whether bench/<folder> has a script for bench/run.sh to run (`*.sh`). */
const hasScripts = (folder: string): boolean => {
  const dir = path.join(BENCH_DIR, folder);
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.sh'));
};

/** The section of bench/<name>/*.sh: their output in this run, if they ran. */
const externalOutput = (name: string): Pick<ExternalSection, 'markdown' | 'hasScripts'> => ({
  markdown: readIfPresent(path.join(EXTERNAL_DIR, `${name}.md`)),
  hasScripts: hasScripts(name),
});

function report(): void {
  const results = JSON.parse(readFileSync(BROWSER_RESULTS, 'utf8')) as BrowserResults;
  const external: ExternalSection[] = [
    {
      title: 'Backend: Kamailio rates',
      ...externalOutput('backend'),
      placeholder:
        'No `bench/backend/*.sh` script yet: REGISTER / INVITE / OPTIONS rates through Kamailio go here.',
    },
    {
      title: 'Media server capacity',
      ...externalOutput('media'),
      placeholder: 'No `bench/media/` script yet: concurrent calls per media server go here.',
    },
    {
      title: 'Region failover (two regions behind the accelerator)',
      ...externalOutput('regions'),
      placeholder: 'No `bench/regions/` script yet: failover times go here.',
    },
    {
      title: 'SIP fuzzing',
      ...externalOutput('fuzz'),
      placeholder: 'No `bench/fuzz/` script yet: the SIP fuzz stage (issue 10) goes here.',
    },
  ];
  const file = path.join(REPO_ROOT, 'BENCHMARKS.md');
  writeFileSync(
    file,
    renderBenchmarks(results, external, readIfPresent(ANALYSIS_FILE), readIfPresent(file)),
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'run') await run(rest);
else if (command === 'report') report();
else {
  console.error('usage: harness.mjs run [weight|registration|call|dtmf|cost|layout ...] | report');
  process.exit(2);
}
