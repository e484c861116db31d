// The reconnect storm (issue 11 §3): `count` registered engines lose the SBC at once (the
// Kamailio container restarts), and we record, every 0.5 s, how many engines say they are
// registered (their own state) and how many registrations Kamailio holds (usrloc, through
// kamcmd), until both are back to `count` or `timeoutS` passes. Runs inside the lab
// namespace (backend/lab/lab.sh exec). Used by bench/storm/main.ts (1,000 engines) and
// backend/test/storm.test.mjs (100).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Phone } from '../../src/engine/phone';
import { PollTimeout, poll, sleep } from '../../testkit/poll';
import { containerName } from '../../testkit/topology';
import { type Refusal, registeredCount, type SocketCounts, sockets, startFleet } from './fleet';

const run = promisify(execFile);
const SAMPLE_MS = 500;
const KAMAILIO = containerName('kamailio');

/** Kamailio's `usrloc:registered_users`, or undefined while it cannot answer (restarting). */
export async function kamailioRegistered(): Promise<number | undefined> {
  try {
    const { stdout } = await run(
      'docker',
      [
        ...['exec', KAMAILIO, 'kamcmd', '-s', 'unix:/run/kamailio/kamailio_ctl'],
        ...['stats.get_statistics', 'usrloc:'],
      ],
      { timeout: 5000 },
    );
    const match = /registered_users\s*=\s*(\d+)/.exec(stdout);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface StormOptions {
  /** Engines in the fleet. */
  count: number;
  /** Their users are `${prefix}-<i>`. */
  prefix: string;
  /** The lab's backend/run (secret, CA). */
  runDir: string;
  restart: () => Promise<unknown>;
  /** How long to wait for everything to be back after the restart command. */
  timeoutS?: number;
  log?: (line: string) => void;
}

/** One point of the curve, every SAMPLE_MS. */
export interface StormSample {
  /** Seconds from the restart command. */
  t: number;
  /** Engines that say they are registered. */
  engines: number;
  /** Kamailio's latest answer (usrloc registered_users). */
  kamailio: number;
  /** Sockets opened since the previous sample. */
  opened: number;
}

/** The initial registration: how long it took, and where it stood then. */
export interface StormInitial {
  seconds: number;
  engines: number;
  kamailio: number | undefined;
}

/** The fleet never registered completely: no storm was run. */
export interface StormNotRun {
  count: number;
  initial: StormInitial;
  initialOk: false;
  samples: StormSample[];
  refusals: Refusal[];
}

/** A storm that ran. Times in seconds from the restart command; undefined: never seen. */
export interface StormRun {
  count: number;
  initial: StormInitial;
  initialOk: true;
  samples: StormSample[];
  restartDoneAt: number | undefined;
  lostAt: number | undefined;
  kamailioBackAt: number | undefined;
  enginesBackAt: number | undefined;
  kamailioAllAt: number | undefined;
  refusals: Refusal[];
  sockets: SocketCounts;
  failedPhones: number;
}

export type StormResult = StormNotRun | StormRun;

/**
 * Runs the storm. `restart()` takes the SBC down and back (resolves once the command
 * returned). Resolves with the curve and the key times (seconds from the restart command).
 */
export async function runStorm({
  count,
  prefix,
  runDir,
  restart,
  timeoutS = 90,
  log = () => {},
}: StormOptions): Promise<StormResult> {
  const fleet = startFleet({ count, prefix, runDir });
  const startedAt = Date.now();
  await fleet.start({ batch: 25, everyMs: 500 });
  // false (reported, not thrown) when the fleet does not register in time
  const initialOk = await poll(
    async () => registeredCount(fleet.phones) === count && (await kamailioRegistered()) === count,
    { timeoutMs: 120_000, intervalMs: SAMPLE_MS, what: 'the initial registrations' },
  ).then(
    () => true,
    (error: unknown) => {
      if (error instanceof PollTimeout) return false;
      throw error;
    },
  );
  const initial: StormInitial = {
    seconds: (Date.now() - startedAt) / 1000,
    engines: registeredCount(fleet.phones),
    kamailio: await kamailioRegistered(),
  };
  log(`initial registration: ${JSON.stringify(initial)}`);
  if (!initialOk) {
    await stopFleet(fleet.phones);
    return { count, initial, initialOk, samples: [], refusals: fleet.refusals };
  }
  const refusalsBefore = fleet.refusals.length;
  const socketsBefore = { ...sockets };

  // The curve: engines every SAMPLE_MS from their own state; Kamailio polled alongside as
  // fast as kamcmd answers (one docker exec at a time), its latest answer in each sample.
  const t0 = Date.now();
  const since = () => (Date.now() - t0) / 1000;
  let kamailio = { value: count, at: 0 };
  let kamailioBackAt: number | undefined; // first answer of the restarted Kamailio
  let kamailioWentAway = false;
  let sampling = true;
  const kamailioLoop = (async () => {
    while (sampling) {
      const value = await kamailioRegistered();
      if (value === undefined) kamailioWentAway = true;
      else {
        // A restart quicker than one kamcmd round trip (a docker exec, about a second on a
        // loaded machine) is never seen away: the new Kamailio answers with fewer
        // registrations than the fleet holds (it starts empty).
        const restarted = kamailioWentAway || value < kamailio.value;
        if (restarted && kamailioBackAt === undefined) kamailioBackAt = since();
        kamailio = { value, at: since() };
      }
      await sleep(100);
    }
  })();
  let restartDoneAt: number | undefined;
  const restarting = restart().then(
    () => {
      restartDoneAt = since();
    },
    (error: unknown) => {
      restartDoneAt = since();
      log(`restart command failed: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  const samples: StormSample[] = [];
  let lastOpened = sockets.opened;
  let lostAt: number | undefined;
  let enginesBackAt: number | undefined;
  let kamailioAllAt: number | undefined;
  const deadline = t0 + timeoutS * 1000;
  for (let next = t0; Date.now() < deadline; ) {
    const engines = registeredCount(fleet.phones);
    const t = since();
    samples.push({
      t,
      engines,
      kamailio: kamailio.value,
      opened: sockets.opened - lastOpened,
    });
    lastOpened = sockets.opened;
    if (lostAt === undefined && engines < count) lostAt = t;
    if (lostAt !== undefined && enginesBackAt === undefined && engines === count) {
      enginesBackAt = t;
    }
    if (kamailioBackAt !== undefined && kamailioAllAt === undefined && kamailio.value === count) {
      kamailioAllAt = kamailio.at;
    }
    if (enginesBackAt !== undefined && kamailioAllAt !== undefined) break;
    next += SAMPLE_MS;
    await sleep(Math.max(0, next - Date.now()));
  }
  sampling = false;
  await Promise.all([kamailioLoop, restarting]);
  const after = fleet.refusals.slice(refusalsBefore);
  const result: StormRun = {
    count,
    initial,
    initialOk,
    samples,
    restartDoneAt,
    lostAt,
    kamailioBackAt,
    enginesBackAt,
    kamailioAllAt,
    // Registration refusals with a SIP status (or a phone giving up) after the restart.
    refusals: after,
    sockets: {
      opened: sockets.opened - socketsBefore.opened,
      handshakes: sockets.handshakes - socketsBefore.handshakes,
      failed: sockets.failed - socketsBefore.failed,
      closed: sockets.closed - socketsBefore.closed,
    },
    failedPhones: fleet.phones.filter((p) => p.state === 'failed').length,
  };
  await stopFleet(fleet.phones);
  return result;
}

async function stopFleet(phones: readonly Phone[]): Promise<void> {
  await Promise.all(phones.map((phone) => phone.stop()));
}
