/**
 * Turns the results into Markdown: the console summary of `npm run bench` and BENCHMARKS.md.
 * Budgets from the issue are checked here, each printed next to its measured value.
 *
 * BENCHMARKS.md is written whole, but a run may measure only some sections (`bash
 * bench/run.sh weight call`, or a machine whose bench/results/ holds nothing else): a section
 * without results here is kept as the previous BENCHMARKS.md has it, marked as kept, so a
 * partial run never erases what an earlier run measured.
 */
import { PAGES, SBC } from '../../testkit/topology';
import type { CallSetupResult, CallSetupResults, DtmfResults } from './bench-call';
import type { CostResults } from './bench-cost';
import type { LayoutResults } from './bench-layout';
import type { RegistrationResults } from './bench-registration';
import type { Bytes, WeightResults } from './bench-weight';
import type { Machine } from './machine';
import { kb, ms, ratio, type Summary, spreadMs, summarize } from './stats';

/** Bumped when the shape of the results changes: older stored results are then dropped. */
export const RESULTS_FORMAT = 3;

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
  layout?: LayoutResults;
}

/** A section another helper's scripts produce (bench/<name>/*.sh, run by bench/run.sh). */
export interface ExternalSection {
  title: string;
  /** Their output in this run; undefined when they did not run (a partial run). */
  markdown: string | undefined;
  /** Whether any script exists: without one the section is a placeholder. */
  hasScripts: boolean;
  placeholder: string;
}

/** Issue 16's budgets (medians; bytes in gzip), and the earlier DTMF and heap ones. */
export const BUDGETS = {
  /** JavaScript before intent on the click-to-call page. */
  buttonGzip: 12 * 1024,
  /** The whole click-to-call widget after a click. */
  widgetGzip: 75 * 1024,
  /** `<sip-phone>` → registered, as a ratio to the minimal JsSIP page. */
  registeredRatio: 1.0,
  firstAudioHoveredMs: 250,
  /** Clicked at once: this, and faster than the minimal JsSIP page. */
  firstAudioAtOnceMs: 350,
  /** Layout shift caused by the widget on the customer's page. */
  layoutShift: 0,
  /** Interaction to next paint on the button. */
  interactionMs: 50,
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
  proofSent: 'connection proof sent (OPTIONS to its own address)',
  proofOk: 'connection proven (OPTIONS → 200 OK received)',
  micReady: 'microphone ready (getUserMedia)',
  inviteSent: 'INVITE sent',
  inviteChallenged: 'INVITE challenged (407 received)',
  inviteOk: 'INVITE → 200 OK received',
  mediaConnected: 'ICE + DTLS connected',
  firstRtp: 'first inbound RTP packet',
  firstPlayout: 'first inbound audio frame played',
  firstAudio: 'first non-silent inbound audio',
};

/**
 * Phases that happen in some runs and not others: their row is shown even when no run saw
 * them (a "–" with "0 of N runs" is the finding), with the count of runs that did.
 */
const OCCASIONAL_PHASES: readonly string[] = ['inviteChallenged'];

/**
 * One row per phase, one column per page: the medians, so each step's cost shows. With the
 * pages' run count, a phase that happened in fewer runs says in how many (its median is of
 * those runs only).
 */
function phaseTable(
  pages: { name: string; phases: Record<string, Summary>; runs?: number }[],
): string {
  const cell = (s: Summary | undefined, runs: number | undefined, occasional: boolean): string => {
    const happened = s?.runs ?? 0;
    const time = s && happened > 0 ? ms(s.median) : '–';
    const counted = runs !== undefined && (occasional || (happened > 0 && happened < runs));
    return counted ? `${time} (${happened} of ${runs} runs)` : time;
  };
  const rows = Object.entries(PHASES)
    .filter(
      ([key]) =>
        pages.some((p) => p.phases[key]) ||
        (OCCASIONAL_PHASES.includes(key) && pages.some((p) => p.runs !== undefined)),
    )
    .map(([key, label]) => [
      label,
      ...pages.map((p) => cell(p.phases[key], p.runs, OCCASIONAL_PHASES.includes(key))),
    ]);
  return table(['phase (median)', ...pages.map((p) => p.name)], rows);
}

const verdict = (met: boolean): string => (met ? '✅ met' : '❌ missed');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const bytesCells = (b: Bytes): string[] => [kb(b.raw), kb(b.gzip), kb(b.brotli)];

function machineSection({ machine, runs, warmup }: BrowserResults, kept: string[]): string {
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
  (\`bench/src/probe.ts\`): SIP messages on the WebSocket, \`getStats()\` every 20 ms,
  \`layout-shift\` and Event Timing entries from buffered \`PerformanceObserver\`s.
- Peer pages are bundled with esbuild (minified, IIFE, es2022) from \`bench/pages\` and
  \`bench/peers/pages\`; sip.js and the Twilio SDK come from \`bench/peers/package.json\`.${
    kept.length > 0
      ? `\n- **Not measured in this run**, kept as the previous BENCHMARKS.md had them: ${kept.map((t) => `"${t}"`).join(', ')}.`
      : ''
  }`;
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
  const button = weight.button.js;
  const whole = weight.buttonAfterClick.js;
  const gzipAndBrotli = (b: Bytes) => `${kb(b.gzip)} gzip (${kb(b.brotli)} brotli)`;
  return `
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

The budgets are in gzip (issue 16); brotli is shown beside it, as a CDN that serves brotli
would send the files. "After a click" places a call to \`echo\`, hung up once answered.

| budget | measured | |
|---|---|---|
| JS before intent, click-to-call page ≤ ${kb(BUDGETS.buttonGzip)} gzip | ${gzipAndBrotli(button)} | ${verdict(button.gzip <= BUDGETS.buttonGzip)} |
| whole click-to-call widget after a click (with JsSIP and Lit) ≤ ${kb(BUDGETS.widgetGzip)} gzip | ${gzipAndBrotli(whole)} | ${verdict(whole.gzip <= BUDGETS.widgetGzip)} |`;
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
  const fromLoadRatio = reg.widget.fromLoad.median / reg.jssip.fromLoad.median;
  return `
Agent \`agent9\`, credentials from the credentials service (same URL for every page),
fetched by the page. "Registered" is the page's event (\`sip-registration-change\` with
\`registered\` for the widget, JsSIP's \`registered\`, SIP.js's \`onRegistered\`).

${table(['page', 'navigation → registered', 'load event → registered', 'ratio vs JsSIP'], rows)}

Where the time goes (ms after navigation start; downloads from Resource Timing
\`responseEnd\`, SIP from the page's WebSocket):

${phaseTable(Object.values(reg))}

The issue's budget, "\`<sip-phone>\` load event → registered ≤ ${ratio(BUDGETS.registeredRatio)} the minimal JsSIP
page", is checked both ways it can be read: the ratio of the table above (navigation →
registered, the issue's "1.28× JsSIP") and the ratio of load event → registered.

| budget | measured | |
|---|---|---|
| \`<sip-phone>\` navigation → registered ≤ ${ratio(BUDGETS.registeredRatio)} the minimal JsSIP page | ${ms(reg.widget.fromNavigation.median)}, ${ratio(widgetRatio)} | ${verdict(widgetRatio <= BUDGETS.registeredRatio)} |
| \`<sip-phone>\` load event → registered ≤ ${ratio(BUDGETS.registeredRatio)} the minimal JsSIP page | ${ms(reg.widget.fromLoad.median)}, ${ratio(fromLoadRatio)} | ${verdict(fromLoadRatio <= BUDGETS.registeredRatio)} |`;
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
  const hovered = phase(calls.widgetWarm, 'firstAudio').median;
  const atOnce = phase(calls.widgetCold, 'firstAudio').median;
  return `Calling \`echo\` as a visitor (fresh credentials per call). Times from the click: the INVITE
leaving on the WebSocket, its 200 OK arriving, ICE + DTLS connected (the DTLS transport's own
\`statechange\`, or the peer connection's \`connectionstatechange\` if earlier), the first
inbound RTP packet (\`lastPacketReceivedTimestamp\` of the first report with
\`packetsReceived > 0\`, or the first frame played if earlier), the first audio frame
played (the receiver's first synchronization source) and the first non-silent inbound audio
(RMS between two reports above 0.01, from \`totalAudioEnergy\`/\`totalSamplesDuration\`, or
\`audioLevel\`). The stats come from \`getStats()\` polled every 20 ms and are timed by the
reports' own \`timestamp\`: Chromium collects a report at most every 50 ms, and its audio
energy follows a level it refreshes every 110 ms, so the non-silent audio shows 110–160 ms
after the first frame played.

"Hovered first" clicks once the button is really ready to call: the engine loaded,
connected, and its connection proof answered (the OPTIONS to its own address that the SBC
challenges and answers 200 once the credentials are proven, \`src/engine/connection-proof.ts\`,
seen on the page's WebSocket); the engine's \`connected\` comes before that. An INVITE on a
proven (or registered) connection is not challenged; the "INVITE challenged" row says in how
many runs an INVITE still got a 407.

${table(['page', 'click → INVITE sent', 'click → 200 OK', 'click → first RTP', 'click → first audio'], rows)}

Where the time goes (ms after the click; negative: done before the click):

${phaseTable(Object.values(calls))}

| budget | measured | |
|---|---|---|
| click → first audio, hovered first ≤ ${ms(BUDGETS.firstAudioHoveredMs)} | ${ms(hovered)} | ${verdict(hovered <= BUDGETS.firstAudioHoveredMs)} |
| click → first audio, clicked at once ≤ ${ms(BUDGETS.firstAudioAtOnceMs)} and faster than the minimal JsSIP page (${ms(jssip)}) | ${ms(atOnce)} (${ratio(atOnce / jssip)}) | ${verdict(atOnce <= BUDGETS.firstAudioAtOnceMs && atOnce < jssip)} |`;
}

function layoutSection(layout: LayoutResults): string {
  const moved = (sources: Record<string, number>) =>
    Object.entries(sources)
      .map(([node, runs]) => `\`${node}\` (${runs} runs)`)
      .join(', ') || 'nothing';
  const rows = Object.values(layout).map((l) => [
    l.name,
    `${l.shift.median.toFixed(4)} (${l.shift.p10.toFixed(4)}–${l.shift.p90.toFixed(4)})`,
    `${l.runsWithShifts} of ${l.shift.runs}`,
    moved(l.sources),
  ]);
  const widget = layout.widget;
  return `A customer's article: a paragraph above, a line of text holding one
\`<sip-call-button>Call us</sip-call-button>\` (loaded by the script tag in \`<head>\`, as
README "Where to put the tag" says), a paragraph below; against the same article without the
widget. Each run loads the page, waits for the button to render, hovers it (the visitor's
intent: the rest of the widget loads and connects) and waits until the connection is proven
and the network is idle. Layout shifts are the \`layout-shift\` entries of a
\`PerformanceObserver\` installed before any page script (buffered, from navigation), leaving
out those with \`hadRecentInput\`, up to the frame after all that. A run's value is the sum of
its shifts (at least its CLS, the largest session window).

${table(['page', 'layout shift per run (median, p10–p90)', 'runs with any shift', 'what moved'], rows)}

| budget | measured | |
|---|---|---|
| layout shift caused by the widget on the customer page (CLS) = ${BUDGETS.layoutShift} | ${widget.shift.median.toFixed(4)} (${widget.runsWithShifts} of ${widget.shift.runs} runs shifted) | ${verdict(widget.shift.median <= BUDGETS.layoutShift)} |`;
}

function interactionSection(calls: CallSetupResults): string {
  const rows = Object.values(calls).map((c) => [
    c.name,
    spreadMs(c.interaction),
    `${c.interactionBelowThreshold} of ${c.interaction.runs}`,
  ]);
  const budgetRow = (label: string, c: CallSetupResult) =>
    `| interaction to next paint on the button, ${label} ≤ ${ms(BUDGETS.interactionMs)} | ${ms(c.interaction.median)} | ${verdict(c.interaction.median <= BUDGETS.interactionMs)} |`;
  return `The clicks of §3 (a real mouse click through CDP, on the page's call button): Event Timing
entries from a \`PerformanceObserver\` of type \`event\` (\`durationThreshold\` 16, the
smallest the API takes; buffered) with \`interactionId > 0\`, i.e. the click's
\`pointerdown\`, \`pointerup\` and \`click\`. A run's value is the longest of them (the
interaction's latency: from the input to the next paint after its handlers, in 8 ms
steps); a run with no entry took less than 16 ms and counts as 16 ms. Median over runs.

${table(['page', 'click → next paint (longest entry)', 'runs under 16 ms (no entry)'], rows)}

| budget | measured | |
|---|---|---|
${budgetRow('hovered first', calls.widgetWarm)}
${budgetRow('clicked at once', calls.widgetCold)}`;
}

function dtmfSection(dtmf: DtmfResults): string {
  const rows = Object.values(dtmf).map((d) => [d.name, spreadMs(d.latency)]);
  return `
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
  return `
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

/** BENCHMARKS.md's sections: each `## ` title and the text under it, up to the next `## `. */
export function sectionsOf(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    const title = newline === -1 ? part : part.slice(0, newline);
    sections.set(title.trim(), newline === -1 ? '' : part.slice(newline + 1).trim());
  }
  return sections;
}

const KEPT_NOTE =
  '> **Kept from the previous BENCHMARKS.md**: not measured in this run (no result for it in `bench/results/`); its run, machine and load may differ from the ones above.';

/** A section's body as the previous file has it, marked as kept (once, however often kept). */
function keptBody(previous: Map<string, string>, title: string): string | undefined {
  const body = previous.get(title);
  if (body === undefined) return undefined;
  const withoutNote = body.startsWith(KEPT_NOTE) ? body.slice(KEPT_NOTE.length).trim() : body;
  return `${KEPT_NOTE}\n\n${withoutNote}`;
}

interface BrowserSection {
  title: string;
  render: (results: BrowserResults) => string | undefined;
  /** The `bench/run.sh` argument that measures it. */
  benchmark: string;
}

/** The section `title` of the result `key`, rendered by `render` when the results have it. */
function browserSection<
  K extends 'weight' | 'registration' | 'callSetup' | 'dtmf' | 'cost' | 'layout',
>(
  title: string,
  key: K,
  render: (value: NonNullable<BrowserResults[K]>) => string,
  benchmark: string,
): BrowserSection {
  return {
    title,
    render: (results) => {
      const value = results[key];
      return value === undefined ? undefined : render(value as NonNullable<BrowserResults[K]>);
    },
    benchmark,
  };
}

const BROWSER_SECTIONS: readonly BrowserSection[] = [
  browserSection('1. Page weight', 'weight', weightSection, 'weight'),
  browserSection('2. Time to registered', 'registration', registrationSection, 'registration'),
  browserSection('3. Call setup', 'callSetup', callSection, 'call'),
  browserSection('4. DTMF latency', 'dtmf', dtmfSection, 'dtmf'),
  browserSection('5. Cost in the page', 'cost', costSection, 'cost'),
  browserSection('6. Layout shift on the customer page', 'layout', layoutSection, 'layout'),
  browserSection(
    '7. Interaction to next paint on the button',
    'callSetup',
    interactionSection,
    'call',
  ),
];

/** A section in full: measured now, else kept from the previous file, else said to be missing. */
interface RenderedSection {
  title: string;
  body: string;
  kept: boolean;
}

function renderSection(
  title: string,
  measured: string | undefined,
  previous: Map<string, string>,
  missing: string,
): RenderedSection {
  if (measured !== undefined) return { title, body: measured, kept: false };
  const kept = keptBody(previous, title);
  return kept !== undefined
    ? { title, body: kept, kept: true }
    : { title, body: missing, kept: false };
}

const markdownOf = (section: RenderedSection): string =>
  `## ${section.title}\n\n${section.body.trim()}`;

function externalSection(section: ExternalSection, previous: Map<string, string>): RenderedSection {
  if (!section.hasScripts) {
    return { title: section.title, body: `> **Placeholder.** ${section.placeholder}`, kept: false };
  }
  return renderSection(
    section.title,
    section.markdown?.trim() || undefined,
    previous,
    '> Not measured yet: `bash bench/run.sh` (all benchmarks) runs its scripts.',
  );
}

/** The browser sections measured in `results`, for the console. */
export function renderBrowserResults(results: BrowserResults): string {
  return BROWSER_SECTIONS.flatMap(({ title, render }) => {
    const body = render(results);
    return body === undefined ? [] : [`## ${title}\n\n${body.trim()}`];
  }).join('\n\n');
}

/**
 * BENCHMARKS.md whole: the sections measured in `results` and by the external scripts, and
 * (from `previousMarkdown`, the file as it was) the ones this run did not measure.
 */
export function renderBenchmarks(
  results: BrowserResults,
  external: ExternalSection[],
  analysis: string | undefined,
  previousMarkdown = '',
): string {
  const previous = sectionsOf(previousMarkdown);
  const browser = BROWSER_SECTIONS.map(({ title, render, benchmark }) =>
    renderSection(
      title,
      render(results),
      previous,
      `> Not measured yet: \`bash bench/run.sh ${benchmark}\` measures it.`,
    ),
  );
  const others = external.map((section) => externalSection(section, previous));
  const kept = [...browser, ...others].filter((section) => section.kept).map((s) => s.title);
  return `# Benchmarks

Produced by \`npm run bench\` (\`bench/run.sh\`); do not edit the measured sections by hand.

${machineSection(results, kept)}

${browser.map(markdownOf).join('\n\n')}

${others.map(markdownOf).join('\n\n')}
${analysis ? `\n${analysis.trim()}\n` : ''}`;
}
