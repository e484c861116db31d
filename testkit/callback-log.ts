/**
 * The call-back requests the lab's credentials service accepted (`POST /callback`,
 * backend/credentials/server.ts): it logs one `credentials: callback {…}` JSON line per
 * request, as a stand-in for the customer's queue; tests read them back from the
 * container's log. Run inside the lab namespace (`lab.sh exec` exports DOCKER_HOST).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CallbackRequest } from '../src/engine/callback-request';
import { containerName } from './topology';

const run = promisify(execFile);
const PREFIX = 'credentials: callback ';

/** One accepted request as the service recorded it. */
export interface RecordedCallback extends CallbackRequest {
  /** The page's Origin. */
  origin: string;
  /** ISO time of acceptance. */
  at: string;
}

/** The requests the lab's credentials container accepted since `sinceMs` (epoch ms). */
export async function recordedCallbacks(sinceMs: number): Promise<RecordedCallback[]> {
  const since = new Date(sinceMs).toISOString();
  const { stdout, stderr } = await run(
    'docker',
    ['logs', '--since', since, containerName('credentials')],
    { timeout: 30_000 },
  );
  return (stdout + stderr)
    .split('\n')
    .filter((line) => line.startsWith(PREFIX))
    .map((line) => JSON.parse(line.slice(PREFIX.length)) as RecordedCallback);
}
