import { describe, expect, it } from 'vitest';
import { IntervalHistogram } from '../../src/media/histogram.js';

describe('interval histogram', () => {
  it('summarises nothing as zeros', () => {
    expect(new IntervalHistogram().summary()).toEqual({
      count: 0,
      meanMs: 0,
      p50Ms: 0,
      p99Ms: 0,
      p999Ms: 0,
      maxMs: 0,
    });
  });

  it('gives percentiles, mean and max in ms to within the histogram precision', () => {
    const histogram = new IntervalHistogram();
    // 990 intervals of 20 ms, 9 of 30 ms, one of 48.5 ms.
    for (let i = 0; i < 990; i++) histogram.record(20);
    for (let i = 0; i < 9; i++) histogram.record(30);
    histogram.record(48.5);
    const summary = histogram.summary();
    expect(summary.count).toBe(1000);
    expect(summary.p50Ms).toBeCloseTo(20, 1);
    expect(summary.p99Ms).toBeCloseTo(20, 1);
    expect(summary.p999Ms).toBeCloseTo(30, 1);
    expect(summary.maxMs).toBeCloseTo(48.5, 1);
    expect(summary.meanMs).toBeCloseTo((990 * 20 + 9 * 30 + 48.5) / 1000, 1);
  });

  it('counts a zero interval and starts afresh on reset', () => {
    const histogram = new IntervalHistogram();
    histogram.record(0);
    expect(histogram.summary().count).toBe(1);
    histogram.reset();
    expect(histogram.summary().count).toBe(0);
  });
});
