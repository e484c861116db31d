/**
 * Resource limits for NEW calls. A server that runs out of RTP ports, file descriptors or
 * memory in the middle of a call fails that call and every later one in confusing ways;
 * refusing the next INVITE with 503 instead lets the SBC try another media server, and the
 * calls already up keep what they have.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PortAllocator } from './media/ports.js';

/**
 * Descriptors kept free for everything but a new call's two RTP sockets: the API's
 * connections, a recording file, the agent leg of a queue call.
 */
const FD_RESERVE = 32;

export type RefusalReason = 'ports' | 'file-descriptors' | 'memory';

export interface Refusal {
  reason: RefusalReason;
  detail: string;
}

export class ResourceGuard {
  readonly refused: Record<RefusalReason, number> = { ports: 0, 'file-descriptors': 0, memory: 0 };

  constructor(
    private readonly ports: PortAllocator,
    private readonly maxRssBytes: number,
    private readonly fdLimit: number | undefined = softFdLimit(),
    private readonly openFds: () => number | undefined = countOpenFds,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** Why a new call must be refused now, or undefined when it may proceed. */
  check(): Refusal | undefined {
    const refusal = this.find();
    if (refusal) this.refused[refusal.reason]++;
    return refusal;
  }

  private find(): Refusal | undefined {
    if (this.ports.free === 0) {
      return { reason: 'ports', detail: `all ${this.ports.allocated} RTP port pairs in use` };
    }
    const rss = this.rss();
    if (rss > this.maxRssBytes) {
      return {
        reason: 'memory',
        detail: `RSS ${mb(rss)} MB above the ${mb(this.maxRssBytes)} MB bound (MAX_RSS_MB)`,
      };
    }
    const open = this.openFds();
    if (this.fdLimit !== undefined && open !== undefined && open + FD_RESERVE > this.fdLimit) {
      return {
        reason: 'file-descriptors',
        detail: `${open} of ${this.fdLimit} file descriptors open (${FD_RESERVE} kept in reserve)`,
      };
    }
    return undefined;
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}

/** The soft RLIMIT_NOFILE from /proc/self/limits (Linux); undefined elsewhere or unlimited. */
export function softFdLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) ? soft : undefined;
  } catch {
    return undefined;
  }
}

function countOpenFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}
