/**
 * One port allocator for test tools (sipp, raw SIP sockets, test servers). Ports come from
 * the lab's test range (testkit/topology.json): below the media servers' RTP ports and
 * below Linux's ephemeral ports, so nothing the stack or the kernel hands out can take them.
 *
 * Concurrent test processes (Vitest workers, a suite beside a benchmark) must never be
 * handed the same port, even one that is free now but that a server will bind a moment
 * later (a media server's RTP range). So the range is cut into leases of LEASE_SIZE ports,
 * and a process takes a lease by creating its file exclusively (O_EXCL, atomic) in a
 * shared directory; a lease whose process is gone is taken over. Within its leases a
 * process hands ports out in order, and still checks each block by binding it, for
 * anything outside this scheme that holds one.
 */
import { createSocket } from 'node:dgram';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PORTS } from './topology';

const LEASE_SIZE = 500;
const LEASES_DIR = join(tmpdir(), 'softphone-test-ports');
const LEASE_COUNT = Math.floor((TEST_PORTS.last - TEST_PORTS.first + 1) / LEASE_SIZE);

/** The leases this process holds: the next port to hand out in each. */
const held: { first: number; next: number }[] = [];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes a free lease (or one whose holder died); its first port. */
function takeLease(): number {
  mkdirSync(LEASES_DIR, { recursive: true });
  const start = process.pid % LEASE_COUNT;
  for (let i = 0; i < LEASE_COUNT; i++) {
    const first = TEST_PORTS.first + ((start + i) % LEASE_COUNT) * LEASE_SIZE;
    if (held.some((lease) => lease.first === first)) continue;
    const file = join(LEASES_DIR, String(first));
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
    } catch {
      const holder = Number(readFileSync(file, 'utf8'));
      if (holder && alive(holder)) continue;
      // Its holder is gone: remove the stale file and race for it like everyone else.
      rmSync(file, { force: true });
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
      } catch {
        continue;
      }
    }
    process.once('exit', () => rmSync(file, { force: true }));
    held.push({ first, next: first });
    return first;
  }
  throw new Error(`all ${LEASE_COUNT} port leases of ${LEASES_DIR} are held by live processes`);
}

/** Whether `port` is free for UDP and TCP on 127.0.0.1 right now. */
async function isFree(port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports (at most a lease), the first one even (RTP on even
 * ports, RTCP above). Never handed out again by this process nor to any other.
 */
export async function freePorts(count = 1): Promise<number[]> {
  if (count > LEASE_SIZE) throw new Error(`at most ${LEASE_SIZE} ports at once, not ${count}`);
  for (;;) {
    let lease = held.find((l) => l.next + (l.next % 2) + count <= l.first + LEASE_SIZE);
    if (!lease) {
      const first = takeLease();
      lease = held.find((l) => l.first === first);
    }
    if (!lease) throw new Error('port lease lost');
    const start = lease.next + (lease.next % 2);
    lease.next = start + count;
    const block = Array.from({ length: count }, (_, i) => start + i);
    if ((await Promise.all(block.map(isFree))).every(Boolean)) return block;
  }
}

/** One free port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
