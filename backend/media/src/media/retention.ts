/**
 * Recordings hold callers' voices: none is kept longer than the operator's retention period
 * (RECORDINGS_RETENTION_DAYS, SECURITY.md). The sweep runs at start and then hourly.
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** Deletes the `.wav` files in `dir` last written more than `maxAgeMs` ago; returns their names. */
export function sweepRecordings(dir: string, maxAgeMs: number, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const deleted: string[] = [];
  for (const name of names) {
    if (!name.endsWith('.wav')) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > maxAgeMs) {
        unlinkSync(path);
        deleted.push(name);
      }
    } catch {
      // Vanished meanwhile, or not ours to delete: the next sweep looks again.
    }
  }
  return deleted;
}
