/** Receive statistics per RFC 3550 appendix A.1 (sequence/loss) and A.8 (jitter). */

const SEQ_MOD = 1 << 16;

export class ReceiveStats {
  packets = 0;
  private baseSeq = 0;
  private maxSeq = 0;
  private cycles = 0;
  private started = false;
  /** Interarrival jitter in timestamp units, scaled as in RFC 3550 (J += (|D| - J) / 16). */
  private jitterUnits = 0;
  private lastTransit: number | undefined;
  /** Snapshot for the "fraction lost" of the next RTCP report. */
  private expectedPrior = 0;
  private receivedPrior = 0;

  constructor(private readonly clockRate: number) {}

  /** @param arrivalMs arrival time in milliseconds on any monotonic clock */
  receive(sequence: number, timestamp: number, arrivalMs: number): void {
    if (!this.started) {
      this.started = true;
      this.baseSeq = sequence;
      this.maxSeq = sequence;
    } else {
      const delta = (sequence - this.maxSeq + SEQ_MOD) % SEQ_MOD;
      if (delta > 0 && delta < SEQ_MOD / 2) {
        if (sequence < this.maxSeq) this.cycles += SEQ_MOD;
        this.maxSeq = sequence;
      }
    }
    this.packets++;
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.lastTransit !== undefined) {
      const d = Math.abs(transit - this.lastTransit);
      this.jitterUnits += (d - this.jitterUnits) / 16;
    }
    this.lastTransit = transit;
  }

  get extendedMaxSeq(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.started ? this.extendedMaxSeq - this.baseSeq + 1 : 0;
  }

  /** Cumulative lost packets; duplicates can make it negative, which RFC 3550 allows. */
  get lost(): number {
    return this.expected - this.packets;
  }

  get jitterMs(): number {
    return (this.jitterUnits * 1000) / this.clockRate;
  }

  get jitterTimestampUnits(): number {
    return Math.round(this.jitterUnits);
  }

  /** Fraction lost since the previous call, as the 8-bit fixed point RTCP carries. */
  takeFractionLost(): number {
    const expectedInterval = this.expected - this.expectedPrior;
    const receivedInterval = this.packets - this.receivedPrior;
    this.expectedPrior = this.expected;
    this.receivedPrior = this.packets;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval <= 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval << 8) / expectedInterval));
  }
}
