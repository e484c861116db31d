/**
 * One sipp runner for the backend suites, the media server's tests and the benchmarks:
 * spawns sipp with its local ports from the test range (testkit/ports.ts), waits for it to
 * end and returns its verdict, its output and the errors it logged. Scenario placeholders
 * and the options a suite always passes stay with the suite.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './ports';

export interface SippPorts {
  /** Local SIP port (-p). */
  sip: number;
  /** Local media port (-mp); sipp also uses a few above it (RTCP, video, pcap playback). */
  media: number;
  /** Control port (-cp). */
  control: number;
}

export interface SippOptions {
  /** Path of the scenario file (-sf). */
  scenario: string;
  /** `host:port` sipp sends to; leave out for a UAS that only answers. */
  target?: string;
  /** Extra arguments, after the runner's own; sipp takes the last of a repeated option. */
  args?: readonly string[];
  /** Local ports; any left out come from freePorts. */
  ports?: Partial<SippPorts>;
  /** Local SIP address (-i). */
  host?: string;
  /** Local media address (-mi); sipp's own default when left out. */
  mediaHost?: string;
  /** sipp's global timeout (-timeout with -timeout_error): a run still going then fails. */
  timeoutS?: number;
  /** Bytes kept of stdout and of stderr each; the end is kept (the final statistics). */
  maxBuffer?: number;
  /** Aborting kills sipp. */
  signal?: AbortSignal;
}

export interface SippResult {
  /** sipp exited 0: every call succeeded. */
  ok: boolean;
  /** The exit code; null when sipp was killed or did not start. */
  code: number | null;
  /** stdout, then stderr, then (on failure) how sipp ended. */
  output: string;
  /** sipp's error log (-trace_err) without its harmless warnings; '' when there were none. */
  errors: string;
}

/**
 * Ports reserved from -mp up (RTP, RTCP, video, pcap playback) when none are given; the SIP
 * and control ports follow them in the same block.
 */
const MEDIA_PORTS = 10;
/** How long after its own -timeout a sipp that is still running is killed. */
const GRACE_MS = 30_000;

/** Keeps the last `max` bytes of a stream. */
function tail(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  return {
    add(chunk: Buffer): void {
      chunks.push(chunk);
      size += chunk.length;
      while (size > max) {
        const first = chunks[0] as Buffer;
        const excess = size - max;
        if (first.length <= excess) chunks.shift();
        else chunks[0] = first.subarray(excess);
        const cut = Math.min(first.length, excess);
        size -= cut;
        dropped += cut;
      }
    },
    text(): string {
      const text = Buffer.concat(chunks).toString('utf8');
      return dropped ? `[${dropped} bytes of output dropped]\n${text}` : text;
    },
  };
}

/** sipp 3.6 logs harmless warnings (an epoll one whenever a call's socket closes): not errors. */
export function sippErrors(log: string): string {
  return (
    log
      .split(/(?=\d{4}-\d\d-\d\d\t)|\n/)
      .filter((line) => line.trim() !== '' && !line.startsWith('The following events occurred:'))
      .filter((line) => !line.includes('Failed to delete FD from epoll'))
      // On a busy machine sipp notes that its own timers ran late: about sipp, not the peer
      // (the scenario's verdict still covers every message).
      .filter((line) => !line.includes('Overload warning: the minor watchdog timer'))
      .join('\n')
  );
}

/** Runs one sipp until it exits. Never rejects for sipp's sake (only when no ports are free). */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  const { scenario, target, args = [], host = '127.0.0.1', mediaHost, signal } = options;
  const { timeoutS = 20, maxBuffer = 1 << 24 } = options;
  const given = options.ports ?? {};
  let ports: SippPorts;
  if (given.sip !== undefined && given.media !== undefined && given.control !== undefined) {
    ports = { sip: given.sip, media: given.media, control: given.control };
  } else {
    const block = await freePorts(MEDIA_PORTS + 2);
    ports = {
      media: given.media ?? (block[0] as number),
      sip: given.sip ?? (block[MEDIA_PORTS] as number),
      control: given.control ?? (block[MEDIA_PORTS + 1] as number),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const errorFile = join(dir, 'errors.log');
  const argv = [
    ...(target ? [target] : []),
    ...['-sf', scenario, '-i', host, '-p', String(ports.sip)],
    ...['-mp', String(ports.media), '-cp', String(ports.control)],
    ...(mediaHost ? ['-mi', mediaHost] : []),
    ...['-nostdin', '-timeout', `${timeoutS}s`, '-timeout_error'],
    ...['-trace_err', '-error_file', errorFile],
    ...args,
  ];
  const stdout = tail(maxBuffer);
  const stderr = tail(maxBuffer);
  const child = spawn('sipp', argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(signal ? { signal } : {}),
    killSignal: 'SIGKILL',
  });
  child.stdout.on('data', stdout.add);
  child.stderr.on('data', stderr.add);
  let overdue = false;
  const guard = setTimeout(
    () => {
      overdue = true;
      child.kill('SIGKILL');
    },
    timeoutS * 1000 + GRACE_MS,
  );
  const end = await new Promise<{ code: number | null; how: string }>((resolve) => {
    child.on('error', (error) => {
      // No pid: sipp did not start (and no 'close' follows for sure). Otherwise (an abort)
      // the 'close' below still reports how it ended.
      if (child.pid === undefined) resolve({ code: null, how: `did not start: ${error.message}` });
    });
    child.on('close', (code, killedBy) => {
      if (overdue) resolve({ code, how: `killed ${GRACE_MS / 1000} s after its own -timeout` });
      else if (killedBy) resolve({ code, how: `killed by ${killedBy}` });
      else resolve({ code, how: `exited with code ${code}` });
    });
  });
  clearTimeout(guard);
  let log = '';
  try {
    log = readFileSync(errorFile, 'utf8');
  } catch {
    // No error file: sipp had nothing to complain about.
  }
  rmSync(dir, { recursive: true, force: true });
  const ok = end.code === 0;
  const output = `${stdout.text()}${stderr.text()}${ok ? '' : `sipp ${argv.join(' ')}: ${end.how}\n`}`;
  return { ok, code: end.code, output, errors: sippErrors(log) };
}
