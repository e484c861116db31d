/**
 * Turns the results into Markdown: the console summary of `npm run bench` and BENCHMARKS.md.
 * Budgets from the issue are checked here, each printed next to its measured value.
 */
import { PAGES, SBC } from '../../testkit/topology';
import type { CallSetupResult, CallSetupResults, DtmfResults } from './bench-call';
import type { CostResults } from './bench-cost';
import type { RegistrationResults } from './bench-registration';
import type { Bytes, WeightResults } from './bench-weight';
import type { Machine } from './machine';
import { kb, ms, ratio, type Summary, spreadMs, summarize } from './stats';

/** Bumped when the shape of the results changes: older stored results are then dropped. */
export const RESULTS_FORMAT = 2;

export interface BrowserResults {
  format: number;
  machine: Machine;
  runs: number;
  warmup: number;
  weight?: WeightResults;
  registration?: RegistrationResults;
  callSetup?: CallSetupResults;
  dtmf?: DtmfResults;
  cost?: CostResults;
}

/** A section another helper's script produced (Markdown), or undefined if it has none yet. */
export interface ExternalSection {
  title: string;
  markdown: string | undefined;
  placeholder: string;
}

export const BUDGETS = {
  buttonGzip: 12 * 1024,
  widgetGzip: 75 * 1024,
  registeredAfterLoadMs: 150,
  registeredRatio: 1.05,
  firstAudioMs: 300,
  dtmfMs: 100,
  /** Heap growth per call that still counts as "no growth" (GC noise). */
  heapGrowthPerCall: 4 * 1024,
} as const;

/** Phases of the timelines (bench/src/browser.ts `Timeline`), in the order they happen. */
const PHASES: Record<string, string> = {
  pageScript: 'scripts downloaded (all but the engine chunk)',
  engineRequested: 'engine chunk requested',
  engineLoaded: 'engine chunk downloaded',
  credentialsRequested: 'credentials requested',
  credentials: 'credentials received',
  wsOpen: 'WebSocket open',
  registerSent: 'REGISTER sent',
  registerOk: 'REGISTER → 200 OK received',
  registered: 'ready event (registered / connected)',
  micReady: 'microphone ready (getUserMedia)',
  inviteSent: 'INVITE sent',
  inviteChallenged: 'INVITE → 407 received',
  inviteOk: 'INVITE → 200 OK received',
  mediaConnected: 'ICE + DTLS connected',
  firstRtp: 'first inbound RTP packet',
  firstAudio: 'first non-silent inbound audio',
};

/** One row per phase, one column per page: the medians, so each step's cost shows. */
function phaseTable(pages: { name: string; phases: Record<string, Summary> }[]): string {
  const rows = Object.entries(PHASES)
    .filter(([key]) => pages.some((p) => p.phases[key]))
    .map(([key, label]) => [
      label,
      ...pages.map((p) => {
        const s = p.phases[key];
        return s ? ms(s.median) : '–';
      }),
    ]);
  return table(['phase (median)', ...pages.map((p) => p.name)], rows);
}

const verdict = (met: boolean): string => (met ? '✅ met' : '❌ missed');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const bytesCells = (b: Bytes): string[] => [kb(b.raw), kb(b.gzip), kb(b.brotli)];

function machineSection({ machine, runs, warmup }: BrowserResults): string {
  return `## Machine and method

| | |
|---|---|
| date | ${machine.date} |
| CPU | ${machine.cpu}, ${machine.cores} cores |
| RAM | ${machine.ramGiB} GiB |
| kernel | ${machine.kernel} |
| browser | ${machine.chromium}, headless, fake microphone (440 Hz tone), flags from docs/lab.md |
| Node | ${machine.node} |
| load average (1 min) | ${machine.loadAtStart.toFixed(2)} at start, ${machine.loadAtEnd?.toFixed(2) ?? '?'} at end (2 cores shared with other work) |

- Everything runs inside the lab's private network namespace (only \`lo\`), against the
  dockerized backend (\`backend/lab/lab.sh\`, \`LAB_NAME=bench\`): Kamailio WSS ${SBC.wssPort},
  rtpengine, two media servers, the credentials service. Pages come from a plain HTTP/1.1
  server on ${PAGES.host}:${PAGES.port} (no compression, \`no-store\`); the widget is \`dist/cdn\` as built.
- Each browser measurement is repeated **${runs} times after ${warmup} warm-up run(s)**;
  tables give the **median** and the p10–p90 range in brackets. Every run uses a fresh
  browser context (empty cache, new connections), like a first-time visitor; the compared
  pages alternate run by run so load changes hit them alike.
- Times are taken in the page (\`performance.now()\`, event \`timeStamp\`s) by one probe
  injected before any page script, identical for the widget and the peer pages
  (\`bench/src/probe.ts\`): SIP messages on the WebSocket, \`getStats()\` every 20 ms.
- Peer pages are bundled with esbuild (minified, IIFE, es2022) from \`bench/pages\` and
  \`bench/peers/pages\`; sip.js and the Twilio SDK come from \`bench/peers/package.json\`.`;
}

function weightSection(weight: WeightResults): string {
  const rows = Object.values(weight).map((w) => [
    w.name,
    ...bytesCells(w.js),
    Object.keys(w.scripts).join(', ') || '–',
    w.otherUrls.length > 0 ? `${w.otherUrls.length} requests, ${kb(w.otherWire)} on the wire` : '–',
    spreadMs(w.loadEventMs),
    spreadMs(w.mainThreadMs),
  ]);
  const engine = weight.buttonAfterIntent.scripts['/cdn/softphone-engine.js'];
  const button = weight.button.js.gzip;
  const whole = weight.buttonAfterIntent.js.gzip;
  return `## 1. Page weight

JavaScript each page loads, from Chromium's network log (CDP \`Network\` events), the same
URLs then fetched and compressed by the harness (gzip -9, brotli q11). "Other" is every
non-script response except the HTML (credentials JSON, sounds…), bytes received with headers. Load event and main-thread
time (CDP TaskDuration from navigation until 1.5 s after the network went idle) tell what
the page pays for it.

${table(
  ['page', 'JS raw', 'JS gzip', 'JS brotli', 'scripts', 'other', 'load event', 'main thread'],
  rows,
)}

Engine chunk alone (\`softphone-engine.js\`, JsSIP + engine, loaded on intent): ${engine ? `${kb(engine.raw)} raw, ${kb(engine.gzip)} gzip, ${kb(engine.brotli)} brotli` : 'not loaded'}.

| budget | measured | |
|---|---|---|
| click-to-call button before interaction ≤ 12 KB gzip JS | ${kb(button)} | ${verdict(button <= BUDGETS.buttonGzip)} |
| whole widget (with JsSIP and Lit) ≤ 75 KB gzip | ${kb(whole)} | ${verdict(whole <= BUDGETS.widgetGzip)} |`;
}

function registrationSection(reg: RegistrationResults): string {
  const base = reg.jssip.fromNavigation.median;
  const rows = Object.values(reg).map((r) => [
    r.name,
    spreadMs(r.fromNavigation),
    spreadMs(r.fromLoad),
    ratio(r.fromNavigation.median / base),
  ]);
  const widgetRatio = reg.widget.fromNavigation.median / base;
  return `## 2. Time to registered

Agent \`agent9\`, credentials from the credentials service (same URL for every page),
fetched by the page. "Registered" is the page's event (\`sip-registration-change\` with
\`registered\` for the widget, JsSIP's \`registered\`, SIP.js's \`onRegistered\`).

${table(['page', 'navigation → registered', 'load event → registered', 'ratio vs JsSIP'], rows)}

Where the time goes (ms after navigation start; downloads from Resource Timing
\`responseEnd\`, SIP from the page's WebSocket):

${phaseTable(Object.values(reg))}

| budget | measured | |
|---|---|---|
| registered ≤ 150 ms after page load (median) | ${ms(reg.widget.fromLoad.median)} | ${verdict(reg.widget.fromLoad.median <= BUDGETS.registeredAfterLoadMs)} |
| ratio ≤ 1.05 vs the minimal JsSIP page | ${ratio(widgetRatio)} | ${verdict(widgetRatio <= BUDGETS.registeredRatio)} |`;
}

function callSection(calls: CallSetupResults): string {
  const phase = (c: CallSetupResult, key: string) => c.phases[key] ?? summarize([]);
  const rows = Object.values(calls).map((c) => [
    c.name,
    spreadMs(phase(c, 'inviteSent')),
    spreadMs(phase(c, 'inviteOk')),
    spreadMs(phase(c, 'firstRtp')),
    spreadMs(phase(c, 'firstAudio')),
  ]);
  const jssip = phase(calls.jssip, 'firstAudio').median;
  const budgetRow = (label: string, s: Summary): string =>
    `| ${label}: click → first audio ≤ 300 ms and faster than minimal JsSIP (${ms(jssip)}) | ${ms(s.median)} (${ratio(s.median / jssip)}) | ${verdict(s.median <= BUDGETS.firstAudioMs && s.median < jssip)} |`;
  return `## 3. Call setup

Calling \`echo\` as a visitor (fresh credentials per call). Times from the click: the INVITE
leaving on the WebSocket, its 200 OK arriving, the first inbound RTP packet
(\`packetsReceived > 0\`) and the first non-silent inbound audio (RMS over a 20 ms poll
interval above 0.01, from \`totalAudioEnergy\`/\`totalSamplesDuration\`, or \`audioLevel\`).

${table(['page', 'click → INVITE sent', 'click → 200 OK', 'click → first RTP', 'click → first audio'], rows)}

Where the time goes (ms after the click; negative: done before the click):

${phaseTable(Object.values(calls))}

| budget | measured | |
|---|---|---|
${budgetRow('widget, hovered first', phase(calls.widgetWarm, 'firstAudio'))}
${budgetRow('widget, clicked at once', phase(calls.widgetCold, 'firstAudio'))}`;
}

function dtmfSection(dtmf: DtmfResults): string {
  const rows = Object.values(dtmf).map((d) => [d.name, spreadMs(d.latency)]);
  return `## 4. DTMF latency

One call to \`echo\` per page, digits pressed one at a time on the page's keypad (a click);
latency = the media server's timeline entry \`t\` for the digit (epoch ms, first RFC 4733
packet) − the click's time (\`performance.timeOrigin + event.timeStamp\`), same clock.

${table(['page', 'key press → digit at the media server'], rows)}

| budget | measured | |
|---|---|---|
| DTMF ≤ 100 ms | ${ms(dtmf.widget.latency.median)} | ${verdict(dtmf.widget.latency.median <= BUDGETS.dtmfMs)} |`;
}

function costSection(cost: CostResults): string {
  const cpu = (s: Summary) => `${s.median.toFixed(1)} ms/s`;
  const perCall = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB/call`;
  const usage = Object.values(cost).map((c) => [
    c.name,
    cpu(c.idle.task),
    cpu(c.idle.script),
    kb(c.idleHeap),
    cpu(c.inCall.task),
    cpu(c.inCall.script),
    kb(c.inCallHeap),
  ]);
  const leak = Object.values(cost).map((c) => [
    c.name,
    kb(c.baselineHeap),
    kb(c.settledHeap),
    perCall(c.growthPerCall),
    perCall(c.objectGrowthPerCall),
    c.growthByConstructor
      .slice(0, 4)
      .map((g) => `\`${g.name}\` ${g.count >= 0 ? '+' : ''}${g.count} (${kb(g.bytes)})`)
      .join(', ') || 'nothing',
  ]);
  const calls = cost.widget.heapAfterCalls.length;
  const growth = cost.widget.objectGrowthPerCall;
  return `## 5. Cost in the page

A registered agent phone: main-thread busy time (CDP \`Performance.getMetrics\` TaskDuration)
and JavaScript time (ScriptDuration) per second, medians of 1 s windows, idle and during an
\`echo\` call (each once the page had an idle period after registering or answering); JS heap in use after \`HeapProfiler.collectGarbage\`.

${table(
  [
    'page',
    'idle: main thread',
    'idle: JS',
    'idle: heap',
    'in call: main thread',
    'in call: JS',
    'in call: heap',
  ],
  usage,
)}

**Leak check**: one call, then wait until JsSIP holds no transaction (it keeps a finished INVITE
transaction for Timer M, 32 s), heap after GC and a heap snapshot = baseline; then ${calls} calls
one after another (until the far end's audio is heard, hang up, wait for the end); wait for the
transactions again, heap after GC and a snapshot again.
Growth per call = difference / ${calls}, for the whole JS heap and for objects only (without
V8's compiled code, which grows as functions get hot and then stops).

${table(
  [
    'page',
    'heap: baseline',
    'heap: after the calls',
    'growth: heap',
    'growth: objects',
    'largest object growth (count, bytes)',
  ],
  leak,
)}

Heap after GC right after each call (KB, before the settle): ${Object.values(cost)
    .map((c) => `${c.name}: ${c.heapAfterCalls.map((b) => (b / 1024).toFixed(0)).join(' ')}`)
    .join('; ')}.

| budget | measured | |
|---|---|---|
| no heap growth over ${calls} calls (objects ≤ ${BUDGETS.heapGrowthPerCall / 1024} KB/call, settled) | ${perCall(growth)} (whole heap ${perCall(cost.widget.growthPerCall)}) | ${verdict(growth <= BUDGETS.heapGrowthPerCall)} |`;
}

function externalSection(section: ExternalSection): string {
  return `## ${section.title}\n\n${section.markdown?.trim() || `> **Placeholder.** ${section.placeholder}`}`;
}

export function renderBrowserResults(results: BrowserResults): string {
  return [
    results.weight && weightSection(results.weight),
    results.registration && registrationSection(results.registration),
    results.callSetup && callSection(results.callSetup),
    results.dtmf && dtmfSection(results.dtmf),
    results.cost && costSection(results.cost),
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function renderBenchmarks(
  results: BrowserResults,
  external: ExternalSection[],
  analysis: string | undefined,
): string {
  return `# Benchmarks

Produced by \`npm run bench\` (\`bench/run.sh\`); do not edit the measured sections by hand.

${machineSection(results)}

${renderBrowserResults(results)}

${external.map(externalSection).join('\n\n')}
${analysis ? `\n${analysis.trim()}\n` : ''}`;
}
