/**
 * One port allocator for test tools (sipp, raw SIP sockets, test servers). Ports come from
 * the lab's test range (testkit/topology.json): below the media servers' RTP ports and
 * below Linux's ephemeral ports, so nothing the stack or the kernel hands out can take
 * them. Each process starts at its own offset (its pid) and every block is checked by
 * binding it, so concurrent test processes (Vitest workers, parallel suites) never share one.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { TEST_PORTS } from './topology';

const { first: FIRST, last: LAST } = TEST_PORTS;
const SPAN = LAST - FIRST + 1;
let cursor = (process.pid * 97) % SPAN;

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
 * `count` consecutive free ports, the first one even (RTP on even ports, RTCP above).
 * Throws when the range has no such block left.
 */
export async function freePorts(count = 1): Promise<number[]> {
  for (let tried = 0; tried < SPAN; tried += 2) {
    let first = FIRST + (cursor % SPAN);
    if (first % 2) first += 1;
    cursor = (cursor + count + (count % 2)) % SPAN;
    if (first + count - 1 > LAST) continue;
    const block = Array.from({ length: count }, (_, i) => first + i);
    if ((await Promise.all(block.map(isFree))).every(Boolean)) return block;
  }
  throw new Error(`no ${count} free consecutive ports in ${FIRST}-${LAST}`);
}

/** One free port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port as number;
}
