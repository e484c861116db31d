// The chaos stage (issue 11 §3): calls with real media up, one backend component
// crashed (SIGKILL of its main process, as an OOM kill or a segfault would), and what
// happened to the calls in progress and to new calls. Shared by
// backend/test/chaos.test.ts (a short subset in `npm test`) and bench/chaos/run.ts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type CallDetail,
  type CallState,
  type CallSummary,
  MediaApiError,
} from '../../testkit/media-api';
import { poll, sleep } from '../../testkit/poll';
import type { SippResult } from '../../testkit/sipp';
import { containerName, type MediaServerName } from '../../testkit/topology';
import { ephemeral, MEDIA_HTTP, mediaServerApi, sipp } from './lib';

const run = promisify(execFile);

const COMPONENTS = ['rtpengine', 'kamailio', 'media1', 'media2', 'credentials', 'redis'] as const;
/** A backend component that can be crashed: a docker-compose service of the lab. */
export type Component = (typeof COMPONENTS)[number];

/** The lab's containers, by component (names from testkit/topology.json's compose project). */
export const CONTAINER = Object.fromEntries(
  COMPONENTS.map((service) => [service, containerName(service)]),
) as Record<Component, string>;

const scratch = mkdtempSync(join(tmpdir(), 'chaos-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** ITU-T G.711 µ-law of one 16-bit sample. */
function ulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = 0;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One second of a 440 Hz tone as raw PCMU, the audio sipp streams (rtp_stream). */
export function toneFile(): string {
  const path = join(scratch, 'tone.ulaw');
  const bytes = Buffer.alloc(8000);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = ulaw(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  }
  writeFileSync(path, bytes);
  return path;
}

export const newCaller = (): string => `visitor-${randomBytes(4).toString('hex')}`;

export interface LoadOptions {
  /** Calls placed at once. */
  calls: number;
  /** How long each call streams RTP (the scenario's PAUSE). */
  holdMs: number;
  service?: string;
  /** sipp's timeout; default the hold time plus a minute. */
  timeoutS?: number;
}

export interface Load {
  /** The callers' common prefix: each call's From user starts with it. */
  caller: string;
  /** sipp's verdict, once it ended. */
  done: Promise<SippResult>;
}

/**
 * Starts `calls` calls at once to `service`, each from a visitor of its own (named
 * `${caller}NN`) and streaming RTP for holdMs, in the background. Resolves (in `.done`)
 * when sipp ends: ok means every call was set up and hung up with a 200 for its BYE.
 */
export function startLoad({ calls, holdMs, service = 'echo', timeoutS }: LoadOptions): Load {
  const caller = `visitor-${randomBytes(3).toString('hex')}`;
  const lines = ['SEQUENTIAL'];
  for (let i = 0; i < calls; i++) {
    const user = `${caller}${i.toString(16).padStart(2, '0')}`;
    const { username, password } = ephemeral(user);
    // sipp expands a field that holds an [authentication] keyword (sipp's -inf).
    lines.push(`${user};[authentication username=${username} password=${password}]`);
  }
  const injection = join(scratch, `${caller}.csv`);
  writeFileSync(injection, `${lines.join('\n')}\n`);
  const done = sipp('chaos-call.xml', {
    vars: { PAUSE: holdMs, AUDIO: toneFile() },
    service,
    calls,
    rate: 20,
    limit: calls,
    timeoutS: timeoutS ?? Math.ceil(holdMs / 1000) + 60,
    args: [
      '-inf',
      injection,
      ...(process.env.CHAOS_TRACE ? ['-trace_msg', '-message_file', process.env.CHAOS_TRACE] : []),
    ],
  });
  return { caller, done };
}

/** A call in progress as its media server lists it, with that server's name. */
export type LiveCall = CallSummary & { server: MediaServerName };

/** Calls in progress on both media servers (a server that does not answer has none). */
export async function liveCalls(): Promise<LiveCall[]> {
  const all: LiveCall[] = [];
  await Promise.all(
    (Object.keys(MEDIA_HTTP) as MediaServerName[]).map(async (server) => {
      try {
        for (const call of await mediaServerApi(server, { timeoutMs: 2000 }).calls())
          all.push({ ...call, server });
      } catch {
        // a killed or restarting server has no calls to report
      }
    }),
  );
  return all;
}

/** Waits until `count` calls from `caller` are answered and receiving media. */
export async function waitAnswered(
  caller: string,
  count: number,
  timeoutMs = 60000,
): Promise<LiveCall[]> {
  // poll resolves with a truthy value only: the calls.
  return (await poll(
    async () => {
      const mine = (await liveCalls()).filter(
        (c) =>
          String(c.from).includes(caller) && c.state === 'answered' && c.rtp.packetsReceived > 0,
      );
      return mine.length >= count && mine;
    },
    { timeoutMs, intervalMs: 200, what: `${count} answered calls with media from ${caller}` },
  )) as LiveCall[];
}

/**
 * One sample of a call's counters: [ms since epoch, packets received by the media
 * server, state, packets lost].
 */
export type Sample = [at: number, packetsReceived: number, state: CallState, lost: number];

/**
 * Samples the media servers' packet counters every intervalMs. Each call's series is
 * [ms since epoch, packets received by the media server, state, packets lost]: RTP that
 * sipp sent through rtpengine. stop() returns the series by "server/callId".
 */
export function sampleMedia(
  caller: string,
  intervalMs = 100,
): { stop(): Promise<Map<string, Sample[]>> } {
  const series = new Map<string, Sample[]>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      for (const call of await liveCalls()) {
        if (!String(call.from).includes(caller)) continue;
        const key = `${call.server}/${call.callId}`;
        if (!series.has(key)) series.set(key, []);
        (series.get(key) as Sample[]).push([
          Date.now(),
          call.rtp.packetsReceived,
          call.state,
          call.rtp.lost,
        ]);
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return series;
    },
  };
}

/** PCMU at 20 ms per packet (what sipp streams, chaos-call.xml). */
export const PACKET_MS = 20;

/**
 * Audio one call lost after `from` (ms): packets missing from the RTP sequence numbers
 * (the media server's RFC 3550 loss count) times PACKET_MS. Unlike a stall of the
 * counter it does not depend on how promptly the samples were taken on a busy machine.
 * `samples` holds at least one sample (sampleMedia's series do).
 */
export function mediaLostMs(samples: readonly Sample[], from: number): number {
  const before = samples.filter(([at]) => at <= from).at(-1) ?? samples[0];
  const last = samples.at(-1) as Sample;
  return Math.max(0, (last[3] - before[3]) * PACKET_MS);
}

/**
 * The longest time one call's inbound packet counter stood still inside [from, to]
 * (ms): the media gap. Between two samples that differ the counter moved at some
 * point, so a stall is measured from the last sample that showed a new value to the
 * first sample showing the next one.
 */
export function longestStall(samples: readonly Sample[], from: number, to: number): number {
  let stall = 0;
  let lastChange: number | undefined;
  let lastValue: number | undefined;
  for (const [at, packets] of samples) {
    if (at > to) break;
    if (lastValue === undefined || packets !== lastValue) {
      if (lastChange !== undefined && at >= from) stall = Math.max(stall, at - lastChange);
      lastChange = at;
      lastValue = packets;
    }
  }
  // A counter that never moved again stalled until the last sample.
  const end = samples.filter(([at]) => at <= to).at(-1);
  if (end && lastChange !== undefined && end[0] >= from)
    stall = Math.max(stall, end[0] - lastChange);
  return stall;
}

/** Whether a call's media came back after `from`: over 10 packets (200 ms) received since. */
export function resumed(samples: readonly Sample[], from: number): boolean {
  const before = samples.filter(([at]) => at <= from).at(-1) ?? samples[0];
  return (samples.at(-1) as Sample)[1] - before[1] > 10;
}

/** The main process of a container (the child of its init, `init: true`). */
export async function mainPid(container: string): Promise<number> {
  const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Pid}}', container]);
  const init = stdout.trim();
  const children = readFileSync(`/proc/${init}/task/${init}/children`, 'utf8').trim().split(/\s+/);
  if (!children[0]) throw new Error(`${container}: no process under its init`);
  return Number(children[0]);
}

export interface ContainerState {
  /** When the container last (re)started, ms since epoch. */
  startedAt: number;
  running: boolean;
  /** Docker's health status ('starting', 'healthy', 'unhealthy'); '' without a health check. */
  health: string;
  /** Docker's RestartCount. */
  restarts: number;
}

/** When the container (re)started and whether its health check passes. */
export async function containerState(container: string): Promise<ContainerState> {
  const { stdout } = await run('docker', [
    'inspect',
    '-f',
    '{{.State.StartedAt}} {{.State.Running}} {{if .State.Health}}{{.State.Health.Status}}{{end}} {{.RestartCount}}',
    container,
  ]);
  const [startedAt, running, health, restarts] = stdout.trim().split(' ');
  return {
    startedAt: Date.parse(startedAt),
    running: running === 'true',
    health,
    restarts: Number(restarts),
  };
}

/** A component crashed by `crash`. */
export interface Crash {
  /** The kill time, ms since epoch. */
  at: number;
  /** The container's state before the kill. */
  before: ContainerState;
  container: string;
}

/**
 * Crashes a component: SIGKILL to its main process, nothing graceful. Docker's restart
 * policy (`restart: unless-stopped` in backend/compose.yml) must bring it back.
 * Resolves with the kill time (ms since epoch) and the container's state before.
 */
export async function crash(component: Component): Promise<Crash> {
  const container = CONTAINER[component];
  const before = await containerState(container);
  const pid = await mainPid(container);
  const at = Date.now();
  process.kill(pid, 'SIGKILL');
  return { at, before, container };
}

/** How long a crashed component took to come back, ms since the kill. */
export interface Recovery {
  /** To the container running again. */
  restartedMs: number;
  /** To its health check passing. */
  healthyMs: number;
}

/** Waits until the container has restarted after `crashed` and is healthy; ms since the kill. */
export async function waitRecovered(
  { at, before, container }: Crash,
  timeoutMs = 120000,
): Promise<Recovery> {
  let restartedAt: number | undefined;
  await poll(
    async () => {
      const state = await containerState(container);
      // Docker counts the restart a moment before it records the new start time.
      if (state.restarts > before.restarts && state.running && state.startedAt >= at - 1000)
        restartedAt ??= state.startedAt;
      return restartedAt !== undefined && state.health === 'healthy';
    },
    // Each poll is a docker CLI process: at 100 ms they were a busy process of their own.
    { timeoutMs, intervalMs: 250, what: `${container} restarted and healthy` },
  );
  // Set once the poll succeeded.
  return { restartedMs: (restartedAt as number) - at, healthyMs: Date.now() - at };
}

/** What went wrong in a failed sipp run: its error lines and the responses it got. */
function failure(output: string): string {
  const lines = output.split('\n');
  const errors = lines.filter(
    (l) => /Abort|timeout|Unexpected|error:/i.test(l) && !/^\s*\d+\s*\/\s*\d+/.test(l),
  );
  return errors.slice(0, 2).join(' ').replace(/\s+/g, ' ').slice(0, 200);
}

export interface ProbeOptions {
  service?: string;
  /** A new call every this often. */
  everyMs?: number;
  /** Go on this long after the first call that succeeded. */
  afterMs?: number;
  /** Stop this long after `since` in any case. */
  timeoutMs?: number;
}

/** One new call of probeCalls; times in ms from its `since`. */
export interface Attempt {
  startMs: number;
  setupMs: number;
  ok: boolean;
  /** A failed call's error lines (sipp's); undefined when it succeeded. */
  why: string | undefined;
}

/**
 * New calls while a component is down and after: a short call (each from a visitor of
 * its own) every `everyMs`, as callers would keep coming, until one has succeeded and
 * `afterMs` more have passed, or timeoutMs. Each attempt is { startMs, setupMs, ok, why }
 * with times from `since`. An INVITE to a server that just died waits for tm's fr_timer
 * (2 s, kamailio.cfg) before failing over, so a call counts as failed only if sipp gave
 * up on it (10 s) or got an error.
 */
export async function probeCalls(
  since: number,
  { service = 'echo', everyMs = 500, afterMs = 3000, timeoutMs = 60000 }: ProbeOptions = {},
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const running: Promise<void>[] = [];
  let firstOk: number | undefined;
  while (
    Date.now() - since < timeoutMs &&
    (firstOk === undefined || Date.now() < firstOk + afterMs)
  ) {
    const caller = newCaller();
    const startedAt = Date.now();
    running.push(
      sipp('call.xml', {
        vars: { CALLER: caller, PAUSE: 0 },
        service,
        auth: ephemeral(caller),
        timeoutS: 10,
      }).then((result) => {
        if (result.ok) firstOk ??= Date.now();
        attempts.push({
          startMs: startedAt - since,
          setupMs: Date.now() - startedAt,
          ok: result.ok,
          why: result.ok ? undefined : failure(result.output),
        });
      }),
    );
    await sleep(everyMs);
  }
  await Promise.all(running);
  return attempts.sort((a, b) => a.startMs - b.startMs);
}

/**
 * Checks a WAV file as a player would: RIFF/WAVE, a PCM fmt chunk, and data and RIFF
 * sizes that the file really holds. Returns the seconds of audio it declares.
 */
export function wavSeconds(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(44);
    if (readSync(fd, head, 0, 44, 0) < 44) throw new Error(`${path}: shorter than a WAV header`);
    const size = readFileSync(path).length;
    if (head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 16) !== 'WAVEfmt ')
      throw new Error(`${path}: not a RIFF/WAVE file`);
    if (head.readUInt16LE(20) !== 1) throw new Error(`${path}: not PCM`);
    if (head.toString('ascii', 36, 40) !== 'data') throw new Error(`${path}: no data chunk`);
    const data = head.readUInt32LE(40);
    if (head.readUInt32LE(4) !== 36 + data)
      throw new Error(`${path}: RIFF size disagrees with data`);
    if (44 + data > size) throw new Error(`${path}: declares ${data} bytes, holds ${size - 44}`);
    if (data % head.readUInt16LE(32) !== 0) throw new Error(`${path}: partial sample frame`);
    return data / head.readUInt32LE(28);
  } finally {
    closeSync(fd);
  }
}

/** min / median / max of some numbers; all undefined when there are none. */
export interface Spread {
  min: number | undefined;
  median: number | undefined;
  max: number | undefined;
}

/** min / median / max of numbers (undefined ones left out). */
export function spread(values: readonly (number | undefined)[]): Spread {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return { min: undefined, median: undefined, max: undefined };
  return {
    min: sorted[0],
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    max: sorted.at(-1),
  };
}

/** A recording in progress: its media server, its file name there, and when it started (ms since epoch). */
export interface Recording {
  server: MediaServerName;
  file: string;
  startedAt: number;
}

/** A recording in progress of one of `caller`'s calls: { server, file, startedAt }. */
export async function recordingOf(caller: string): Promise<Recording | undefined> {
  for (const call of await liveCalls()) {
    if (!String(call.from).includes(caller)) continue;
    let detail: CallDetail;
    try {
      detail = await mediaServerApi(call.server).call(call.callId);
    } catch (error) {
      // An error status (the call already gone): try the next one.
      if (error instanceof MediaApiError) continue;
      throw error;
    }
    const event = detail.timeline?.find((e) => e.type === 'recording');
    if (event) return { server: call.server, file: String(event.file), startedAt: event.t };
  }
  return undefined;
}
