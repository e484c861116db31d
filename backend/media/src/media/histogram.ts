/** Fixed-bucket histogram of intervals (0.1 ms resolution up to 1 s) for cheap percentiles. */

const BUCKET_MS = 0.1;
const BUCKETS = 10_000;

export interface IntervalSummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export class IntervalHistogram {
  private buckets = new Uint32Array(BUCKETS + 1);
  private count = 0;
  private sum = 0;
  private max = 0;

  record(ms: number): void {
    const index = Math.min(BUCKETS, Math.max(0, Math.round(ms / BUCKET_MS)));
    this.buckets[index]!++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i * BUCKET_MS;
    }
    return BUCKETS * BUCKET_MS;
  }

  summary(): IntervalSummary {
    const round = (v: number): number => Math.round(v * 100) / 100;
    return {
      count: this.count,
      meanMs: round(this.count ? this.sum / this.count : 0),
      p50Ms: round(this.percentile(50)),
      p99Ms: round(this.percentile(99)),
      p999Ms: round(this.percentile(99.9)),
      maxMs: round(this.max),
    };
  }
}
