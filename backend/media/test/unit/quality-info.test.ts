import { describe, expect, it } from 'vitest';
import { isQualityInfo, qualityInfoBody, readQualityInfo } from '../../src/sip/quality-info.js';

const read = (text: string) => readQualityInfo(Buffer.from(text));

describe('quality INFO', () => {
  it('is recognised by its content type, parameters and case aside', () => {
    expect(isQualityInfo('application/vnd.helpline.quality+json')).toBe(true);
    expect(isQualityInfo('Application/VND.helpline.quality+JSON; charset=utf-8')).toBe(true);
    expect(isQualityInfo('application/json')).toBe(false);
    expect(isQualityInfo('')).toBe(false);
  });

  it('reads the known warnings, sorted, once each; an empty list clears them', () => {
    expect(read('{"warnings":["high-loss","high-jitter","high-loss"]}')).toEqual([
      'high-jitter',
      'high-loss',
    ]);
    expect(read('{"warnings":[]}')).toEqual([]);
    expect(qualityInfoBody(['high-loss']).toString()).toBe('{"warnings":["high-loss"]}');
  });

  it('refuses anything else: unknown names, other shapes, broken JSON, over 512 bytes', () => {
    for (const body of [
      '{"warnings":["<script>"]}',
      '{"warnings":"high-loss"}',
      '{"warnings":[1]}',
      '["high-loss"]',
      'null',
      '{"warnings":["high-loss"]',
      '',
      `{"warnings":[${'"high-loss",'.repeat(50)}"high-loss"]}`,
    ]) {
      expect(read(body), body).toBeUndefined();
    }
  });
});
