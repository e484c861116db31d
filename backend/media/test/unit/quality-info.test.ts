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
    expect(read('{"warnings":["high-loss","high-jitter","high-loss"]}')).toEqual({
      warnings: ['high-jitter', 'high-loss'],
    });
    expect(read('{"warnings":[]}')).toEqual({ warnings: [] });
    expect(qualityInfoBody({ warnings: ['high-loss'] }).toString()).toBe(
      '{"warnings":["high-loss"]}',
    );
  });

  it("reads the sender's MOS pair (2 decimals, null while unrated) and writes it again", () => {
    const report = read(
      '{"warnings":["high-loss"],"mos":{"inbound":3.14159,"outbound":null},"later":1}',
    );
    expect(report).toEqual({ warnings: ['high-loss'], mos: { inbound: 3.14, outbound: null } });
    expect(qualityInfoBody(report!).toString()).toBe(
      '{"warnings":["high-loss"],"mos":{"inbound":3.14,"outbound":null}}',
    );
    // A missing direction is unrated; the older body without `mos` stays as it was.
    expect(read('{"warnings":[],"mos":{"outbound":4.5}}')).toEqual({
      warnings: [],
      mos: { inbound: null, outbound: 4.5 },
    });
  });

  it('refuses anything else: unknown names, other shapes, MOS off the scale, broken JSON, over 512 bytes', () => {
    for (const body of [
      '{"warnings":["<script>"]}',
      '{"warnings":"high-loss"}',
      '{"warnings":[1]}',
      '["high-loss"]',
      'null',
      '{"warnings":["high-loss"]',
      '',
      `{"warnings":[${'"high-loss",'.repeat(50)}"high-loss"]}`,
      '{"warnings":[],"mos":4.1}',
      '{"warnings":[],"mos":[4.1,3]}',
      '{"warnings":[],"mos":{"inbound":"4.1"}}',
      '{"warnings":[],"mos":{"inbound":0.5}}',
      '{"warnings":[],"mos":{"outbound":4.6}}',
      '{"warnings":[],"mos":{"inbound":1e999}}',
      '{"mos":{"inbound":4}}',
    ]) {
      expect(read(body), body).toBeUndefined();
    }
  });
});
