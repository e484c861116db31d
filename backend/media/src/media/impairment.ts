/**
 * Network impairment between a call leg and its remote, one stage per direction: drops a
 * fraction of RTP packets, adds a fixed delay plus a random extra delay (jitter) to RTP and
 * RTCP, and can replace the audio with G.711 silence. Tests use it to give the far end
 * known loss, jitter and round-trip time (kernel netem is not available in the lab).
 *
 * Choices (docs/CONTRACTS.md):
 * - Loss is per RTP packet (RFC 4733 events included), independent (Bernoulli) with a
 *   seeded generator, so a run with the same seed drops the same packets. RTCP is never
 *   dropped: the reports that carry RTT and loss must arrive to be measured.
 * - Each packet gets `delayMs + U(0, jitterMs)`, but never leaves before the packet ahead
 *   of it: the stage is a FIFO link like a real queue, so jitter never reorders packets.
 *   RTCP goes through the same FIFO, so delay counts in the RTT both ways.
 */
import { performance } from 'node:perf_hooks';
import { safeTimeout } from '../safe.js';
import { SILENCE_BYTE } from './g711.js';
import { type Random, seededRandom } from './random.js';
import { looksLikeRtcp, parseRtp } from './rtp.js';

export type ImpairDirection = 'to-caller' | 'from-caller' | 'both';

export interface ImpairmentSettings {
  /** Fraction of RTP packets dropped, 0–1. */
  loss: number;
  /** Fixed one-way delay added to every packet, ms. */
  delayMs: number;
  /** Extra delay drawn uniformly from [0, jitterMs] per packet, ms. */
  jitterMs: number;
  /** Replace G.711 payloads with silence (one-way audio that still "looks healthy"). */
  mute: boolean;
  /** Seed of the loss and jitter draws; the same seed gives the same pattern. */
  seed: number;
}

export const NO_IMPAIRMENT: Readonly<ImpairmentSettings> = Object.freeze({
  loss: 0,
  delayMs: 0,
  jitterMs: 0,
  mute: false,
  seed: 1,
});

const MAX_DELAY_MS = 5000;
const MAX_JITTER_MS = 2000;
/** RFC 3550 A.8 estimator gain, so the added jitter reads like a receiver's jitter. */
const JITTER_GAIN = 1 / 16;
/** Static G.711 payload types (RFC 3551), the only audio this server sends. */
const SILENCE_BY_PT: Record<number, number> = { 0: SILENCE_BYTE.PCMU, 8: SILENCE_BYTE.PCMA };

export class ImpairmentError extends Error {}

/** Checks a control-API body; `{}` clears both directions. */
export function parseImpairRequest(body: unknown): {
  direction: ImpairDirection;
  settings: ImpairmentSettings;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ImpairmentError('body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const known = new Set(['direction', 'loss', 'delayMs', 'jitterMs', 'mute', 'seed']);
  const unknown = Object.keys(fields).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new ImpairmentError(`unknown field(s): ${unknown.join(', ')}`);
  const direction = fields.direction ?? 'both';
  if (direction !== 'to-caller' && direction !== 'from-caller' && direction !== 'both') {
    throw new ImpairmentError('direction must be "to-caller", "from-caller" or "both"');
  }
  const number = (name: string, fallback: number, max: number): number => {
    const value = fields[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      throw new ImpairmentError(`${name} must be a number from 0 to ${max}`);
    }
    return value;
  };
  const mute = fields.mute ?? false;
  if (typeof mute !== 'boolean') throw new ImpairmentError('mute must be true or false');
  const seed = fields.seed ?? NO_IMPAIRMENT.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ImpairmentError('seed must be an integer');
  }
  return {
    direction,
    settings: {
      loss: number('loss', 0, 1),
      delayMs: number('delayMs', 0, MAX_DELAY_MS),
      jitterMs: number('jitterMs', 0, MAX_JITTER_MS),
      mute,
      seed,
    },
  };
}

/** What one direction did since it was last configured: the injected truth. */
export interface PathReport {
  settings: ImpairmentSettings;
  /** `Date.now()` of the last configuration. */
  since: number;
  rtpPassed: number;
  rtpDropped: number;
  rtcpPassed: number;
  /** dropped / (passed + dropped) of RTP, null before any packet. */
  lossFraction: number | null;
  /** Mean delay the stage added to RTP packets (FIFO waits included), ms. */
  meanAddedDelayMs: number | null;
  /** Mean of the RFC 3550 jitter estimator applied to the added delays, ms. */
  meanAddedJitterMs: number | null;
  /**
   * Mean time RTCP packets really spent in the stage, from arrival to delivery (timer
   * lateness of a busy event loop included), null before any was delivered. The round trip
   * a receiver measures (RFC 3550 §6.4.1) crosses one report each way, so the two
   * directions' values add up to what the stage really added to the RTT.
   */
  meanRtcpHeldMs: number | null;
  /**
   * The shortest and longest of those times. A round trip measured from one pair of reports
   * lies between the two directions' sums of these, whichever pair it was; the mean tells
   * only where most of them lie, and the stage's lateness comes and goes with the load.
   */
  minRtcpHeldMs: number | null;
  maxRtcpHeldMs: number | null;
  /** Packets waiting in the stage now. */
  queued: number;
}

interface Queued {
  dueAt: number;
  arrivedAt: number;
  rtcp: boolean;
  packet: Buffer;
  deliver: (packet: Buffer) => void;
}

/** One direction of the stage. */
export class ImpairedPath {
  private settings: ImpairmentSettings = { ...NO_IMPAIRMENT };
  private lossRandom: Random = seededRandom(0);
  private jitterRandom: Random = seededRandom(0);
  private since = Date.now();
  private rtpPassed = 0;
  private rtpDropped = 0;
  private rtcpPassed = 0;
  private addedDelaySum = 0;
  private jitterSum = 0;
  private rtcpDelivered = 0;
  private rtcpHeldSum = 0;
  private rtcpHeldMin = Number.POSITIVE_INFINITY;
  private rtcpHeldMax = Number.NEGATIVE_INFINITY;
  /** performance.now() of the last configuration: RTCP queued before it is not counted. */
  private configuredAt = Number.NEGATIVE_INFINITY;
  /** RFC 3550 estimator over added delays; kept across reconfiguration like a receiver's. */
  private jitter = 0;
  private lastAddedDelay: number | undefined;
  private lastDueAt = Number.NEGATIVE_INFINITY;
  private readonly queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** @param seedOffset keeps the two directions' draws apart when they share a seed */
  constructor(private readonly seedOffset = 0) {}

  /** New settings apply to packets from now on; packets already queued keep their time. */
  configure(settings: ImpairmentSettings): void {
    this.settings = { ...settings };
    this.lossRandom = seededRandom(settings.seed * 2 + this.seedOffset * 0x10001);
    this.jitterRandom = seededRandom(settings.seed * 2 + 1 + this.seedOffset * 0x10001);
    this.since = Date.now();
    this.rtpPassed = 0;
    this.rtpDropped = 0;
    this.rtcpPassed = 0;
    this.addedDelaySum = 0;
    this.jitterSum = 0;
    this.rtcpDelivered = 0;
    this.rtcpHeldSum = 0;
    this.rtcpHeldMin = Number.POSITIVE_INFINITY;
    this.rtcpHeldMax = Number.NEGATIVE_INFINITY;
    this.configuredAt = performance.now();
  }

  /**
   * Decides one packet's fate at `now` (ms, monotonic): undefined when dropped, else the
   * packet to deliver (silenced when muted) and when. Pure bookkeeping, no timers.
   */
  plan(packet: Buffer, now: number): { dueAt: number; packet: Buffer; rtcp: boolean } | undefined {
    const s = this.settings;
    const rtp = !looksLikeRtcp(packet);
    if (rtp && s.loss > 0 && this.lossRandom() < s.loss) {
      this.rtpDropped++;
      return undefined;
    }
    const extra = s.jitterMs > 0 ? this.jitterRandom() * s.jitterMs : 0;
    const dueAt = Math.max(now + s.delayMs + extra, this.lastDueAt);
    this.lastDueAt = dueAt;
    if (!rtp) {
      this.rtcpPassed++;
      return { dueAt, packet, rtcp: true };
    }
    this.rtpPassed++;
    const added = dueAt - now;
    this.addedDelaySum += added;
    if (this.lastAddedDelay !== undefined) {
      this.jitter += (Math.abs(added - this.lastAddedDelay) - this.jitter) * JITTER_GAIN;
    }
    this.lastAddedDelay = added;
    this.jitterSum += this.jitter;
    return { dueAt, packet: s.mute ? silenced(packet) : packet, rtcp: false };
  }

  /**
   * Sends `packet` on through `deliver`, now or after its delay, or drops it. Packets are
   * counted without impairment too, so the report covers an unimpaired stretch as well.
   */
  pass(packet: Buffer, deliver: (packet: Buffer) => void): void {
    const now = performance.now();
    const planned = this.plan(packet, now);
    if (!planned) return;
    const queued = { ...planned, arrivedAt: now, deliver };
    if (planned.dueAt <= now && this.queue.length === 0) {
      this.deliver(queued, now);
      return;
    }
    this.queue.push(queued);
    if (this.queue.length === 1) this.arm();
  }

  report(): PathReport {
    const rtpTotal = this.rtpPassed + this.rtpDropped;
    const round = (value: number): number => Math.round(value * 100) / 100;
    return {
      settings: { ...this.settings },
      since: this.since,
      rtpPassed: this.rtpPassed,
      rtpDropped: this.rtpDropped,
      rtcpPassed: this.rtcpPassed,
      lossFraction: rtpTotal > 0 ? Math.round((this.rtpDropped / rtpTotal) * 10000) / 10000 : null,
      meanAddedDelayMs: this.rtpPassed > 0 ? round(this.addedDelaySum / this.rtpPassed) : null,
      meanAddedJitterMs: this.rtpPassed > 0 ? round(this.jitterSum / this.rtpPassed) : null,
      meanRtcpHeldMs: this.rtcpDelivered > 0 ? round(this.rtcpHeldSum / this.rtcpDelivered) : null,
      minRtcpHeldMs: this.rtcpDelivered > 0 ? round(this.rtcpHeldMin) : null,
      maxRtcpHeldMs: this.rtcpDelivered > 0 ? round(this.rtcpHeldMax) : null,
      queued: this.queue.length,
    };
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  /** One timer for the head of the queue: due times never decrease, so order is kept. */
  private arm(): void {
    const head = this.queue[0];
    if (!head) return;
    this.timer = safeTimeout(
      'impairment queue',
      () => this.release(),
      Math.max(0, head.dueAt - performance.now()),
    );
  }

  private release(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.dueAt <= now) {
      this.deliver(this.queue.shift()!, now);
    }
    this.arm();
  }

  private deliver(queued: Queued, now: number): void {
    // A report queued under the previous settings keeps its old delay: it belongs to them.
    if (queued.rtcp && queued.arrivedAt >= this.configuredAt) {
      const held = now - queued.arrivedAt;
      this.rtcpDelivered++;
      this.rtcpHeldSum += held;
      this.rtcpHeldMin = Math.min(this.rtcpHeldMin, held);
      this.rtcpHeldMax = Math.max(this.rtcpHeldMax, held);
    }
    queued.deliver(queued.packet);
  }
}

/** Both directions of one call leg; "caller" is the remote end of the leg. */
export class Impairment {
  readonly toCaller = new ImpairedPath(0);
  readonly fromCaller = new ImpairedPath(1);

  configure(direction: ImpairDirection, settings: ImpairmentSettings): void {
    if (direction !== 'from-caller') this.toCaller.configure(settings);
    if (direction !== 'to-caller') this.fromCaller.configure(settings);
  }

  report(): { toCaller: PathReport; fromCaller: PathReport } {
    return { toCaller: this.toCaller.report(), fromCaller: this.fromCaller.report() };
  }

  close(): void {
    this.toCaller.close();
    this.fromCaller.close();
  }
}

/** A copy of a G.711 RTP packet with its payload replaced by silence; others unchanged. */
function silenced(packet: Buffer): Buffer {
  const parsed = parseRtp(packet);
  const fill = parsed ? SILENCE_BY_PT[parsed.payloadType] : undefined;
  if (!parsed || fill === undefined) return packet;
  const copy = Buffer.from(packet);
  const start = parsed.payload.byteOffset - packet.byteOffset;
  copy.fill(fill, start, start + parsed.payload.length);
  return copy;
}
