import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration.js';

describe('formatDuration', () => {
  it('formats mm:ss, then h:mm:ss past an hour', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(999)).toBe('00:00');
    expect(formatDuration(65_000)).toBe('01:05');
    expect(formatDuration(3_599_000)).toBe('59:59');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
  });

  it('never shows a negative time (clock skew)', () => {
    expect(formatDuration(-5000)).toBe('00:00');
  });
});
