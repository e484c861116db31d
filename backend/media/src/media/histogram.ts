/**
 * Percentiles of intervals (the media clock's send intervals) from Node's HDR histogram
 * (node:perf_hooks `createHistogram`), which records integers: intervals go in as whole
 * microseconds and come out as milliseconds.
 */
import { createHistogram } from 'node:perf_hooks';

export interface IntervalSummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

const US_PER_MS = 1000;

export class IntervalHistogram {
  private readonly histogram = createHistogram();

  record(ms: number): void {
    // The histogram takes integers ≥ 1: a zero interval counts as 1 µs.
    this.histogram.record(Math.max(1, Math.round(ms * US_PER_MS)));
  }

  reset(): void {
    this.histogram.reset();
  }

  summary(): IntervalSummary {
    const h = this.histogram;
    const ms = (us: number): number => (h.count === 0 ? 0 : Math.round(us / 10) / 100);
    return {
      count: h.count,
      meanMs: ms(h.mean),
      p50Ms: ms(h.percentile(50)),
      p99Ms: ms(h.percentile(99)),
      p999Ms: ms(h.percentile(99.9)),
      maxMs: ms(h.max),
    };
  }
}
