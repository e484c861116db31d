import { describe, expect, it } from 'vitest';
import {
  codecProfile,
  delayImpairment,
  lossImpairment,
  mosFromR,
  oneWayDelayMs,
  rFactor,
} from './mos';

const pcmu = codecProfile('audio/PCMU');
const opus = codecProfile('audio/opus');

describe('E-model MOS', () => {
  it('rates an undisturbed G.711 call R 93.2, MOS 4.41, as G.107 states', () => {
    const r = rFactor({ oneWayDelayMs: 0, lossFraction: 0, codec: pcmu });
    expect(r).toBeCloseTo(93.2, 1);
    expect(mosFromR(r)).toBeCloseTo(4.41, 2);
  });

  it('rates a LAN G.711 call (20 ms packets, 1 ms RTT, 20 ms jitter buffer) about 4.4', () => {
    const delay = oneWayDelayMs(1, 20, pcmu);
    expect(delay).toBeCloseTo(40.5, 5);
    expect(mosFromR(rFactor({ oneWayDelayMs: delay, lossFraction: 0, codec: pcmu }))).toBeCloseTo(
      4.4,
      1,
    );
  });

  it('maps R to MOS with the G.107 Annex B curve and its ends', () => {
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(50)).toBeCloseTo(2.575, 3);
    expect(mosFromR(70)).toBeCloseTo(3.6, 1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(120)).toBe(4.5);
  });

  it('never rates below 1, where the Annex B polynomial dips (0.989 at R 3)', () => {
    for (let r = 0; r <= 10; r += 0.25) expect(mosFromR(r)).toBeGreaterThanOrEqual(1);
    expect(mosFromR(7)).toBeGreaterThan(1);
  });

  it('shows at most MOS 4.40 for G.711 once its own 20 ms packet counts as delay', () => {
    const best = mosFromR(rFactor({ oneWayDelayMs: 20, lossFraction: 0, codec: pcmu }));
    expect(best).toBeCloseTo(4.4, 2);
    expect(best).toBeLessThan(4.41);
  });

  it('adds G.107 Idd only beyond 100 ms one way (≈ 3 at 200 ms, ≈ 24 at 400 ms)', () => {
    // Below 100 ms only the (slowly changing) echo terms move.
    expect(delayImpairment(100) - delayImpairment(99)).toBeLessThan(0.1);
    // Idd(200) = 25·(2^(1/6) − 3·(1 + 3⁻⁶)^(1/6) + 2) ≈ 3.05, Idd(400) ≈ 24.1.
    const echoGrowth = delayImpairment(100) - delayImpairment(50);
    expect(delayImpairment(200) - delayImpairment(100)).toBeGreaterThan(3.05);
    expect(delayImpairment(400) - delayImpairment(200)).toBeGreaterThan(24.1 - 3.05);
    expect(echoGrowth).toBeLessThan(3);
  });

  it('applies Ie-eff = Ie + (95 − Ie)·Ppl/(Ppl + Bpl) to loss', () => {
    expect(lossImpairment(0, pcmu)).toBe(0);
    // G.711 with PLC, 5 % random loss: 95 · 5 / (5 + 25.1) ≈ 15.8.
    expect(lossImpairment(0.05, pcmu)).toBeCloseTo(15.78, 2);
    expect(lossImpairment(1, pcmu)).toBeCloseTo((95 * 100) / 125.1, 5);
  });

  it('falls monotonically as loss grows', () => {
    const scores = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4].map((loss) =>
      mosFromR(rFactor({ oneWayDelayMs: 50, lossFraction: loss, codec: pcmu })),
    );
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThan(scores[i - 1]!);
    expect(scores.at(-1)!).toBeLessThan(2.5);
  });

  it('falls monotonically as delay grows', () => {
    const scores = [50, 150, 250, 400, 600, 1000].map((delay) =>
      mosFromR(rFactor({ oneWayDelayMs: delay, lossFraction: 0, codec: pcmu })),
    );
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThan(scores[i - 1]!);
    expect(scores.at(-1)!).toBeLessThan(3);
  });

  it('rates Opus like G.711 without loss and better under loss (in-band FEC)', () => {
    const at = (codec: typeof opus, loss: number) =>
      mosFromR(rFactor({ oneWayDelayMs: oneWayDelayMs(40, 40, codec), lossFraction: loss, codec }));
    expect(Math.abs(at(opus, 0) - at(pcmu, 0))).toBeLessThan(0.05);
    expect(at(opus, 0.05)).toBeGreaterThan(at(pcmu, 0.05) + 0.05);
  });

  it('uses the G.711 profile for PCMA and for unknown codecs', () => {
    expect(codecProfile('audio/PCMA')).toEqual(pcmu);
    expect(codecProfile('audio/G722')).toEqual(pcmu);
    expect(codecProfile(undefined)).toEqual(pcmu);
  });
});
