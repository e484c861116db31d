import { describe, expect, it } from 'vitest';
import {
  alawToLinear,
  decode,
  encode,
  linearToAlaw,
  linearToMulaw,
  mulawToLinear,
  transcode,
} from '../../src/media/g711.js';

describe('G.711', () => {
  it.each([
    ['PCMU', linearToMulaw, mulawToLinear],
    ['PCMA', linearToAlaw, alawToLinear],
  ] as const)('%s: every code word decodes and re-encodes to itself', (_codec, enc, dec) => {
    for (let byte = 0; byte < 256; byte++) {
      const linear = dec(byte);
      // µ-law has two zeros (0x7f and 0xff); both decode to 0 and 0 encodes to 0xff.
      if (linear === 0 && enc === linearToMulaw) continue;
      expect(enc(linear)).toBe(byte);
    }
  });

  it.each(['PCMU', 'PCMA'] as const)(
    '%s: a sine survives a round trip within the quantisation error',
    (codec) => {
      const samples = Int16Array.from({ length: 160 }, (_, i) =>
        Math.round(20000 * Math.sin((2 * Math.PI * i) / 20)),
      );
      const back = decode(codec, encode(codec, samples));
      for (let i = 0; i < samples.length; i++) {
        expect(Math.abs(back[i]! - samples[i]!)).toBeLessThanOrEqual(
          Math.abs(samples[i]!) / 16 + 16,
        );
      }
    },
  );

  it('encodes known values from the G.711 tables', () => {
    expect(linearToMulaw(0)).toBe(0xff);
    expect(linearToAlaw(0)).toBe(0xd5);
    expect(mulawToLinear(0x00)).toBe(-32124);
    expect(alawToLinear(0x55)).toBe(-8);
  });

  it('transcodes between the laws', () => {
    // 1000 → µ-law decodes to 988, whose A-law segment (step 32) centres on 976;
    // 8000 → µ-law 7932, A-law segment 4096-8191 (step 256) centres on 7808.
    const pcmu = encode('PCMU', Int16Array.from([1000, -1000, 8000]));
    expect([...decode('PCMA', transcode('PCMU', 'PCMA', pcmu))]).toEqual([976, -976, 7808]);
  });
});
