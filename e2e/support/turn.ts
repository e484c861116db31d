/**
 * A network that blocks UDP, for the browser only, and the TURN relay's own view
 * (backend/coturn), for journey 26.
 *
 * The lab is one namespace (backend/lab/lab.sh) where the browser runs as root and every
 * backend service as its own user (backend/compose.yml, checked by
 * backend/test/platform.test.ts). So an iptables rule on locally sent UDP owned by uid 0
 * blocks the browser's UDP, and only its: rtpengine, the media servers and coturn keep
 * theirs, as they would on the far side of a corporate firewall. The suite runs inside
 * the namespace (`lab.sh exec`, as root), which also exports DOCKER_HOST for the logs.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { containerName } from '../../testkit/topology';

const run = promisify(execFile);

/** The rule, as `iptables -I`/`-D` take it. */
const BROWSER_UDP = ['OUTPUT', '-p', 'udp', '-m', 'owner', '--uid-owner', '0', '-j', 'DROP'];

export interface UdpBlock {
  /** UDP packets the browser tried to send and the rule dropped so far. */
  dropped(): Promise<number>;
  remove(): Promise<void>;
}

async function iptables(...args: string[]): Promise<string> {
  const { stdout } = await run('iptables', ['-w', ...args], { timeout: 10_000 });
  return stdout;
}

/** Drops every UDP packet the browser sends, until `remove()`. */
export async function blockBrowserUdp(): Promise<UdpBlock> {
  await iptables('-I', ...BROWSER_UDP);
  return {
    dropped: async () => {
      const listing = await iptables('-L', 'OUTPUT', '-v', '-n', '-x');
      const rule = listing
        .split('\n')
        .find((line) => /\bDROP\b/.test(line) && /owner UID match 0\b/.test(line));
      if (!rule) throw new Error(`the UDP block is gone from OUTPUT:\n${listing}`);
      return Number(rule.trim().split(/\s+/)[0]);
    },
    remove: async () => {
      await iptables('-D', ...BROWSER_UDP);
    },
  };
}

/** coturn's log lines since `sinceMs` (epoch ms): it logs each session, allocation and end. */
export async function coturnLog(sinceMs: number): Promise<string[]> {
  const since = new Date(sinceMs).toISOString();
  const { stdout, stderr } = await run(
    'docker',
    ['logs', '--since', since, containerName('coturn')],
    {
      timeout: 30_000,
    },
  );
  return (stdout + stderr).split('\n');
}
