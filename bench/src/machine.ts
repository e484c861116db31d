/** The machine a run happened on, stated with every result. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { CHROMIUM_PATH } from '../../testkit/chromium';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  kernel: string;
  chromium: string;
  node: string;
  /** 1-minute load average when the run started and ended. */
  loadAtStart: number;
  loadAtEnd?: number;
  date: string;
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    chromium: chromiumVersion(),
    node: process.version,
    loadAtStart: loadavg()[0]!,
    date: new Date().toISOString(),
  };
}

export const currentLoad = (): number => loadavg()[0]!;
