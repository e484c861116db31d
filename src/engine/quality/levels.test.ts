import { describe, expect, it } from 'vitest';
import { qualityLevel } from './levels';

describe('qualityLevel', () => {
  it('maps MOS bands to words', () => {
    expect(qualityLevel(4.4)).toBe('good');
    expect(qualityLevel(4.0)).toBe('good');
    expect(qualityLevel(3.7)).toBe('fair');
    expect(qualityLevel(3.5)).toBe('fair');
    expect(qualityLevel(3.2)).toBe('poor');
    expect(qualityLevel(1.5)).toBe('bad');
    expect(qualityLevel(null)).toBe('unknown');
    expect(qualityLevel(undefined)).toBe('unknown');
  });
});
