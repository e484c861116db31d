/**
 * The soak's call driver, shared by the short soak in the test run (soak.spec.ts) and the
 * long one of `npm run bench -- soak` (bench/soak/run.sh runs the same spec with bigger
 * numbers). Several visitor pages call at once, each with one kind of call, for the whole
 * run: the pages are never reloaded, so a run longer than the credentials' lifetime (600 s
 * by default) crosses their refresh. Agent pages answer the queue's calls.
 *
 * A call counts as good only if every one of these held:
 * - it reached `active` (the setup time is from the click to that state);
 * - inbound audio was heard on both sides: in the browser, `getStats()` inbound packets and
 *   audio energy; on the media server, its packet counters of the call (received and sent);
 *   for a queue call also the agent's browser and the agent's leg on the server;
 * - it ended cleanly on both sides: the page's `sip-call-ended` says `hangup-local` (the
 *   agent's `hangup-remote`) and the media server recorded the visitor's BYE (`remote-bye`).
 * Anything else is a failed call with its cause; the run goes on with the next call.
 */
import { cpus, loadavg } from 'node:os';
import type { Page } from '@playwright/test';
import { PollTimeout, poll } from '../../testkit/poll';
import {
  findCall,
  type MediaCall,
  type ServerRtp,
  type TimelineEntry,
} from '../support/media-server';
import { median } from '../support/quality-table';
import { readAudioStats } from '../support/rtc-stats';
import type { Widget } from '../support/widget';

/** What a visitor page calls, and what it does during the call. */
export type CallKind = 'echo' | 'hold' | 'music' | 'ivr' | 'queue';

/** The `target` each kind dials (hold/unhold is done on an echo call). */
export const TARGET_OF: Record<CallKind, string> = {
  echo: 'echo',
  hold: 'echo',
  music: 'music',
  ivr: 'ivr',
  queue: 'queue',
};

/** The IVR digit a call presses: 2 = music (backend/media/ivr.json). */
const IVR_DIGIT = '2';
/** Half a second of RTP at 20 ms packets: media flowed, not a stray packet or two. */
const MIN_PACKETS = 25;
/**
 * Inbound audio energy (getStats `totalAudioEnergy`, Σ level² × seconds) that counts as
 * heard: a prompt or music at level 0.1 reaches it in 0.2 s; silence or comfort noise never.
 */
const MIN_ENERGY = 0.002;
/**
 * Energy the visitor must hear after the bridge to count the agent as heard: a fifth of one
 * of the agent microphone's 1 kHz bursts (level 0.35 for 0.4 s ≈ 0.05), five times what the
 * queue music still in the jitter buffer can add.
 */
const BRIDGED_ENERGY = 0.01;
/**
 * Bounds of each step. Generous on purpose: they only decide when a stuck call is declared
 * failed, and a loaded 2-core machine takes seconds where a quiet one takes 100 ms. Seven
 * WebRTC pages on 2 cores drive the load to 20-29 (this suite's own runs, 2026-12-01): a
 * page's renderer then answers each of a click's steps seconds late. One CI run saw a
 * keypad click done after 20.2 s (trace: 4 s to find the button, 3.4 s for it to be stable,
 * 7.5 s for the click's input to be acknowledged), failed on the 20 s bound this was then.
 */
const STEP_TIMEOUT_MS = 60_000;
/** The queue plays its welcome, then rings agents 15 s each (ivr.json `ringTimeoutMs`). */
const BRIDGE_TIMEOUT_MS = 40_000;
/** Page reads: timings come from the page's own event timestamps, not from this interval. */
const POLL_MS = 200;
/** The media servers are asked less often than the page: two servers, every page polling. */
const SERVER_POLL_MS = 250;

export interface CallOutcome {
  kind: CallKind;
  /** Index of the visitor page that made the call. */
  page: number;
  callId: string | undefined;
  /** `Date.now()` at the click. */
  startedAt: number;
  /** Click to `active`, when it got there. */
  setupMs: number | undefined;
  /** Click to the last check done (the call ended on both sides when it was good). */
  durationMs: number | undefined;
  ok: boolean;
  /** Why it failed (the first check that did not hold). */
  cause?: string;
}

/** Thrown by `until` with what was awaited and the last value seen. */
class StepFailed extends Error {}

/**
 * Polls `probe` (testkit/poll.ts) until `done` holds; throws a StepFailed naming `what` after
 * `timeoutMs`. A probe that throws (a media server API request refused for a moment) counts
 * as "not yet": only the deadline decides, and the last error is in the message.
 */
async function until<T>(
  what: string,
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = STEP_TIMEOUT_MS,
  intervalMs = POLL_MS,
): Promise<T> {
  try {
    return await poll(probe, { timeoutMs, intervalMs, what, done, retryErrors: true });
  } catch (error) {
    if (!(error instanceof PollTimeout)) throw error;
    const last = error.last instanceof Error ? `error ${causeOf(error.last)}` : show(error.last);
    throw new StepFailed(`${what}: not after ${timeoutMs / 1000} s (last: ${last})`);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

const check = (ok: boolean, what: string): void => {
  if (!ok) throw new StepFailed(what);
};

async function inbound(widget: Widget): Promise<{ packets: number; energy: number }> {
  const stats = await readAudioStats(widget.page, widget.tag);
  return { packets: stats?.packetsReceived ?? 0, energy: stats?.totalAudioEnergy ?? 0 };
}

/** Waits until the page heard `energy` more audio over `packets` more packets than `from`. */
async function expectHeard(
  widget: Widget,
  who: string,
  energy = MIN_ENERGY,
  from = { packets: 0, energy: 0 },
): Promise<void> {
  await until(
    `${who}: inbound audio (${MIN_PACKETS} packets, energy ${energy})`,
    () => inbound(widget),
    (now) => now.packets - from.packets >= MIN_PACKETS && now.energy - from.energy >= energy,
  );
}

async function callState(widget: Widget): Promise<string> {
  return (await widget.call())?.state ?? 'no call';
}

async function endedCauses(widget: Widget): Promise<string[]> {
  return (await widget.events('sip-call-ended')).map((e) => String(e.detail.cause));
}

/** The media server's record of a call, found among the calls since `since` (cheap). */
async function serverCall(callId: string, since: number): Promise<MediaCall | undefined> {
  return findCall(callId, since - 1000);
}

async function timelineEntry(
  callId: string,
  since: number,
  what: string,
  match: (entry: TimelineEntry) => boolean,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<TimelineEntry> {
  const call = await until(
    `media server timeline of ${callId}: ${what}`,
    () => serverCall(callId, since),
    (c) => c?.timeline.some(match) === true,
    timeoutMs,
    SERVER_POLL_MS,
  );
  return call!.timeline.find(match)!;
}

/**
 * The media server receives the page's audio on `callId`. Waited for, not only counted at
 * the end: a call's audio goes out once its microphone has started (offer-before-microphone.ts
 * in src/engine), which can be after a short call's hang-up. A fresh CI run's first call on a
 * page heard the server, hung up 1.6 s after the answer, and the server had 6 of its packets.
 */
async function expectServerHeard(callId: string, since: number, leg: string): Promise<void> {
  await until(
    `media server hears the ${leg} (${MIN_PACKETS} packets)`,
    () => serverCall(callId, since),
    (c) => ((c?.rtp as ServerRtp | undefined)?.packetsReceived ?? 0) >= MIN_PACKETS,
    STEP_TIMEOUT_MS,
    SERVER_POLL_MS,
  );
}

/** The server ended the call for `reason` and counted media both ways on it. */
async function expectServerEnded(
  callId: string,
  since: number,
  leg: string,
  reason: string | undefined,
): Promise<void> {
  const call = (await until(
    `media server ended the ${leg}`,
    () => serverCall(callId, since),
    (c) => c?.state === 'ended',
    STEP_TIMEOUT_MS,
    SERVER_POLL_MS,
  ))!;
  if (reason) check(call.reason === reason, `${leg} ended on the server by ${call.reason}`);
  const rtp = (call.rtp ?? { packetsReceived: 0, packetsSent: 0 }) as ServerRtp;
  check(
    rtp.packetsReceived >= MIN_PACKETS && rtp.packetsSent >= MIN_PACKETS,
    `media server counted too few packets on the ${leg}: ${show(rtp)}`,
  );
}

/** The agent pages, for a queue call to find the one that answered. */
export interface AgentDesk {
  agents: Widget[];
}

/**
 * One call from `widget` (a click-to-call page whose target matches `kind`), checked end
 * to end. Throws a StepFailed (or whatever the page threw) on the first check that fails.
 */
async function runCall(
  widget: Widget,
  kind: CallKind,
  desk: AgentDesk,
  outcome: CallOutcome,
  reachedActive: () => void,
): Promise<void> {
  const ids = widget.wire.outgoingCallIds().length;
  const ended = (await endedCauses(widget)).length;
  outcome.startedAt = Date.now();
  await widget.launcher.click({ timeout: STEP_TIMEOUT_MS });
  const callId = (
    await until(
      'INVITE sent',
      () => widget.wire.outgoingCallIds(),
      (list) => list.length > ids,
    )
  ).at(-1)!;
  outcome.callId = callId;
  const since = outcome.startedAt;
  // A call that ends on the way (refused, failed) is reported at once, with its cause.
  const reached = await until(
    'call active',
    async () => ((await endedCauses(widget)).length > ended ? 'ended' : callState(widget)),
    (s) => s === 'active' || s === 'ended',
  );
  check(reached === 'active', 'call ended before it was active');
  const active = (await widget.events('sip-call-state')).find(
    (e) => e.detail.state === 'active' && e.at >= since,
  );
  outcome.setupMs = (active?.at ?? Date.now()) - since;
  reachedActive();
  await expectHeard(widget, 'visitor');
  await expectServerHeard(callId, since, 'visitor');

  let agentLeg: { widget: Widget; callId: string; ended: number } | undefined;
  if (kind === 'hold') {
    await widget.button('Hold').click({ timeout: STEP_TIMEOUT_MS });
    await until(
      'held',
      async () => (await widget.call())?.hold,
      (h) => h === 'local',
    );
    await timelineEntry(callId, since, 'hold', (e) => e.type === 'hold' && e.by === 'remote');
    await widget.button('Resume').click({ timeout: STEP_TIMEOUT_MS });
    await until(
      'resumed',
      async () => (await widget.call())?.hold,
      (h) => h === 'none',
    );
    await expectHeard(widget, 'visitor after resume', MIN_ENERGY, await inbound(widget));
  } else if (kind === 'ivr') {
    await timelineEntry(callId, since, 'IVR entered', (e) => e.type === 'ivr-node');
    await widget.button('Keypad').click({ timeout: STEP_TIMEOUT_MS });
    await widget.key(IVR_DIGIT).click({ timeout: STEP_TIMEOUT_MS });
    await timelineEntry(
      callId,
      since,
      `digit ${IVR_DIGIT}`,
      (e) => e.type === 'digit' && e.digit === IVR_DIGIT,
    );
    await expectHeard(widget, 'visitor after the digit', MIN_ENERGY, await inbound(widget));
  } else if (kind === 'queue') {
    const bridge = await timelineEntry(
      callId,
      since,
      'bridged to an agent',
      (e) => e.type === 'bridge',
      BRIDGE_TIMEOUT_MS,
    );
    const atBridge = await inbound(widget);
    const peer = String(bridge.peerCallId);
    const agent = desk.agents.find((a) => a.wire.incomingCallIds().includes(peer));
    check(agent !== undefined, `no agent page received the bridged leg ${peer}`);
    agentLeg = {
      widget: agent!,
      callId: peer,
      ended: (await endedCauses(agent!)).length,
    };
    await until(
      'agent call active',
      () => callState(agent!),
      (s) => s === 'active',
    );
    await expectHeard(agent!, 'agent');
    await expectServerHeard(peer, since, 'agent');
    await expectHeard(widget, 'visitor hears the agent', BRIDGED_ENERGY, atBridge);
  }

  await widget.button('Hang up').click({ timeout: STEP_TIMEOUT_MS });
  const causes = await until(
    'sip-call-ended in the page',
    () => endedCauses(widget),
    (list) => list.length > ended,
  );
  check(causes.at(-1) === 'hangup-local', `page ended the call with ${causes.at(-1)}`);
  await expectServerEnded(callId, since, 'call', 'remote-bye');
  if (agentLeg) {
    const { widget: agent, callId: leg, ended: before } = agentLeg;
    const agentCauses = await until(
      'sip-call-ended in the agent page',
      () => endedCauses(agent),
      (list) => list.length > before,
    );
    check(agentCauses.at(-1) === 'hangup-remote', `agent page ended with ${agentCauses.at(-1)}`);
    await expectServerEnded(leg, since, 'agent leg', undefined);
  }
}

/** After a failed call: hang up whatever is left so the page can call again. */
async function recover(widget: Widget): Promise<void> {
  await widget.page
    .evaluate((tag) => {
      const el = document.querySelector(tag) as (Element & { call?: { hangup(): void } }) | null;
      el?.call?.hangup();
    }, widget.tag)
    .catch(() => undefined);
  await until(
    'page back to idle',
    () => callState(widget),
    (s) => s === 'no call' || s === 'ended',
  );
}

/** First line of an error, without the terminal colours Playwright adds. */
function causeOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '')
    .split('\n')[0]!
    .trim();
}

/** What the page itself said about the failed call (end cause, SIP status, errors). */
async function pageSide(widget: Widget, since: number): Promise<string> {
  const events = await widget.events().catch(() => []);
  const said = events
    .filter((e) => e.at >= since && (e.type === 'sip-call-ended' || e.type === 'sip-error'))
    .map((e) =>
      e.type === 'sip-error'
        ? `error ${e.detail.code}: ${e.detail.message}`
        : `ended ${e.detail.cause}${e.detail.sipStatus ? ` (${e.detail.sipStatus})` : ''}`,
    );
  return said.length ? ` [page: ${said.join('; ')}]` : '';
}

/** What the media server recorded about the failed call: its state and end reason. */
async function serverSide(callId: string | undefined, since: number): Promise<string> {
  if (!callId) return '';
  const call = await serverCall(callId, since).catch(() => undefined);
  if (!call) return ' [server: no such call]';
  // Its RTP counters tell media lost on the way from media never sent (or a digit lost on
  // the way from one not understood).
  const rtp = call.rtp as Partial<ServerRtp & { eventPacketsReceived: number }> | undefined;
  const counters = rtp
    ? `, rtp in ${rtp.packetsReceived} (events ${rtp.eventPacketsReceived}) out ${rtp.packetsSent}`
    : '';
  return ` [server ${call.server}: ${call.state}${call.reason ? ` ${call.reason}` : ''}${counters}]`;
}

export interface SoakPlan {
  /** Make at least this many calls… */
  calls: number;
  /** …and keep calling for at least this long (0: stop at `calls`). */
  minDurationMs: number;
  /** One visitor page per entry, calling that kind over and over. */
  kinds: CallKind[];
}

export interface SoakResult {
  outcomes: CallOutcome[];
  startedAt: number;
  durationMs: number;
  pages: number;
  agents: number;
  /** Credentials fetched by each visitor page and agent page (> 1: refreshed mid-run). */
  credentialFetches: number[];
  /** The machine it ran on: CPU, cores, 1-minute load average at start and end. */
  machine: { cpu: string; cores: number; loadAtStart: number; loadAtEnd: number };
}

/**
 * Runs the plan: each visitor page calls its kind in a loop, all pages at once, until the
 * plan is met. `log` gets a line per failed call and a progress line every 50 calls.
 */
export async function runSoak(
  visitors: Widget[],
  plan: SoakPlan,
  desk: AgentDesk,
  log: (line: string) => void = console.log,
): Promise<SoakResult> {
  const startedAt = Date.now();
  const loadAtStart = loadavg()[0]!;
  const outcomes: CallOutcome[] = [];
  const more = () => outcomes.length < plan.calls || Date.now() - startedAt < plan.minDurationMs;

  // The pages join one by one, each once the page before has a call up (or failed one):
  // nine browser pages starting WebRTC calls in the same instant starve a 2-core machine
  // for seconds (media stalls, RTT in seconds, ICE consent lost: the failures of the
  // 2026-11-29 runs clustered in the soak's first seconds), which measures the machine,
  // not the phone. Visitors do not all click in the same millisecond either.
  const joins: (() => void)[] = [];
  const joined = visitors.map((_, page) => new Promise<void>((resolve) => (joins[page] = resolve)));
  const worker = async (widget: Widget, page: number): Promise<void> => {
    const kind = plan.kinds[page]!;
    if (page > 0) await joined[page - 1];
    const join = joins[page]!;
    while (more()) {
      const outcome: CallOutcome = {
        kind,
        page,
        callId: undefined,
        startedAt: Date.now(),
        setupMs: undefined,
        durationMs: undefined,
        ok: false,
      };
      outcomes.push(outcome);
      try {
        await runCall(widget, kind, desk, outcome, join);
        outcome.ok = true;
        outcome.durationMs = Date.now() - outcome.startedAt;
      } catch (error) {
        join();
        outcome.cause =
          causeOf(error) +
          (await pageSide(widget, outcome.startedAt)) +
          (await serverSide(outcome.callId, outcome.startedAt));
        log(
          `soak: FAILED ${kind} call ${outcome.callId ?? '(no Call-ID)'} at ${new Date(outcome.startedAt).toISOString()}: ${outcome.cause}`,
        );
        try {
          await recover(widget);
        } catch (error) {
          // A page that cannot get back to idle would fail every later call for the same
          // reason: stop it, the failed call above already fails the run.
          log(`soak: page ${page} (${kind}) stopped: ${causeOf(error)}`);
          return;
        }
      }
      if (outcomes.length % 50 === 0) {
        const failed = outcomes.filter((o) => !o.ok && o.cause).length;
        log(
          `soak: ${outcomes.length} calls, ${failed} failed, ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
        );
      }
    }
    join(); // a page with no call to make must not hold the next one back
  };
  await Promise.all(visitors.map((widget, page) => worker(widget, page)));
  const fetches = (w: Widget) => w.http.filter((h) => h.url.includes('/credentials/')).length;
  return {
    outcomes,
    startedAt,
    durationMs: Date.now() - startedAt,
    pages: visitors.length,
    agents: desk.agents.length,
    credentialFetches: [...visitors, ...desk.agents].map(fetches),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      loadAtStart,
      loadAtEnd: loadavg()[0]!,
    },
  };
}

/**
 * The agent side: answers every call that rings on `agent` until `stopped()`. Checks are
 * left to the visitor's call (it knows which agent leg is its own).
 */
export async function answerQueueCalls(agent: Widget, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    // Wait a second at most at a time, so the loop sees `stopped()` soon after it flips.
    const rang = await waitForRinging(agent.page, agent.tag, 1000);
    // The queue may cancel the ring meanwhile; then the visitor's call reports it.
    if (rang)
      await agent
        .button('Answer')
        .click({ timeout: 5_000 })
        .catch(() => undefined);
  }
}

function waitForRinging(page: Page, tag: string, timeout: number): Promise<boolean> {
  return page
    .waitForFunction(
      (t) =>
        (document.querySelector(t) as (Element & { call?: { state: string } }) | null)?.call
          ?.state === 'ringing',
      tag,
      { polling: POLL_MS, timeout },
    )
    .then(
      () => true,
      () => false,
    );
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(0)} ms`);

/** The result as Markdown: totals, one row per kind, then every failure with its cause. */
export function renderSoak(result: SoakResult): string {
  const rows = (label: string, list: CallOutcome[]) => {
    const good = list.filter((o) => o.ok);
    const setups = good.map((o) => o.setupMs!);
    const lengths = good.map((o) => o.durationMs!);
    const failed = list.length - good.length;
    return `| ${label} | ${list.length} | ${good.length} | ${failed} | ${ms(median(setups))} | ${ms(percentile(setups, 95))} | ${ms(median(lengths))} |`;
  };
  const kinds = [...new Set(result.outcomes.map((o) => o.kind))];
  const failures = result.outcomes.filter((o) => !o.ok);
  const refreshed = result.credentialFetches.filter((n) => n > 1).length;
  const { cpu, cores, loadAtStart, loadAtEnd } = result.machine;
  return [
    `${new Date(result.startedAt).toISOString()}, ${cpu} ×${cores}, 1-minute load average ${loadAtStart.toFixed(1)} at start and ${loadAtEnd.toFixed(1)} at end.`,
    '',
    `${result.outcomes.length} calls from ${result.pages} visitor pages at once (${result.agents} agent pages answering the queue) in ${(result.durationMs / 1000).toFixed(0)} s; ` +
      `credentials fetched per page: ${result.credentialFetches.join(', ')} (${refreshed} of ${result.credentialFetches.length} pages refreshed mid-run).`,
    '',
    '| calls | made | good | failed | setup median | setup p95 | whole call, median |',
    '|---|---|---|---|---|---|---|',
    ...kinds.map((kind) =>
      rows(
        kind === 'hold' ? 'echo + hold/unhold' : kind === 'ivr' ? `ivr + digit ${IVR_DIGIT}` : kind,
        result.outcomes.filter((o) => o.kind === kind),
      ),
    ),
    rows('**all**', result.outcomes),
    '',
    failures.length === 0
      ? 'Failed calls: none.'
      : [
          'Failed calls:',
          '',
          ...failures.map(
            (o) =>
              `- ${new Date(o.startedAt).toISOString()} ${o.kind} \`${o.callId ?? 'no Call-ID'}\`: ${o.cause}`,
          ),
        ].join('\n'),
  ].join('\n');
}
