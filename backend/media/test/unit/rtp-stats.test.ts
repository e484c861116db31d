import { describe, expect, it } from 'vitest';
import { buildReport, compactNtp, parseReports, roundTripMs } from '../../src/media/rtcp.js';
import { ReceiveStats } from '../../src/media/rtp-stats.js';

describe('RFC 3550 receive statistics', () => {
  it('counts lost packets across a sequence wrap', () => {
    const stats = new ReceiveStats(8000);
    const seqs = [65533, 65534, 65535, 1, 2, 4];
    for (const [i, seq] of seqs.entries()) stats.receive(seq, i * 160, i * 20);
    expect(stats.expected).toBe(8);
    expect(stats.packets).toBe(6);
    expect(stats.lost).toBe(2);
    expect(stats.extendedMaxSeq).toBe(65536 + 4);
  });

  it('reports zero jitter for perfectly paced packets', () => {
    const stats = new ReceiveStats(8000);
    for (let i = 0; i < 50; i++) stats.receive(i, i * 160, i * 20);
    expect(stats.jitterMs).toBe(0);
  });

  it('converges to the mean transit deviation for alternating delays', () => {
    // Arrival alternates 5 ms early/late, so |D| is 10 ms each packet: J tends to 10 ms.
    const stats = new ReceiveStats(8000);
    for (let i = 0; i < 500; i++) stats.receive(i, i * 160, i * 20 + (i % 2 === 0 ? 0 : 10));
    expect(stats.jitterMs).toBeGreaterThan(9.5);
    expect(stats.jitterMs).toBeLessThanOrEqual(10);
  });

  it('gives the RTCP fraction lost of the interval only', () => {
    const stats = new ReceiveStats(8000);
    for (const seq of [0, 1, 3]) stats.receive(seq, seq * 160, seq * 20);
    expect(stats.takeFractionLost()).toBe(64); // 1 of 4 lost = 0.25 * 256
    for (const seq of [4, 5, 6, 7]) stats.receive(seq, seq * 160, seq * 20);
    expect(stats.takeFractionLost()).toBe(0);
  });
});

describe('RTCP reports', () => {
  it('round-trips a sender report with a report block and computes the RTT', () => {
    const sentAt = Date.UTC(2026, 0, 1, 12, 0, 0);
    const lastSr = compactNtp(sentAt);
    const packet = buildReport({
      type: 'SR',
      ssrc: 0x1234,
      sender: { ntpMs: sentAt, rtpTimestamp: 160, packets: 10, octets: 1600 },
      blocks: [
        {
          ssrc: 0x99,
          fractionLost: 12,
          cumulativeLost: -3,
          extendedMaxSeq: 70000,
          jitter: 40,
          lastSr,
          delaySinceLastSr: 65536 / 2,
        },
      ],
    });
    const [report] = parseReports(packet);
    expect(report).toMatchObject({
      type: 'SR',
      ssrc: 0x1234,
      sender: { packets: 10, octets: 1600 },
    });
    expect(report!.blocks[0]).toMatchObject({
      fractionLost: 12,
      cumulativeLost: -3,
      extendedMaxSeq: 70000,
      jitter: 40,
    });
    // Sent at t, held 500 ms by the peer, back at t + 580 ms: RTT 80 ms.
    expect(roundTripMs(report!.blocks[0]!, sentAt + 580)).toBeCloseTo(80, 0);
  });

  it('ignores truncated packets', () => {
    expect(parseReports(Buffer.from([0x80, 201, 0, 10, 0, 0]))).toEqual([]);
  });
});

describe('RTCP report blocks with heavy loss', () => {
  it('encodes a fraction lost above 50 % (the sign bit of the 32-bit word)', () => {
    const packet = buildReport({
      type: 'RR',
      ssrc: 1,
      sender: undefined,
      blocks: [
        {
          ssrc: 2,
          fractionLost: 200,
          cumulativeLost: 5000,
          extendedMaxSeq: 1,
          jitter: 0,
          lastSr: 0,
          delaySinceLastSr: 0,
        },
      ],
    });
    expect(parseReports(packet)[0]!.blocks[0]).toMatchObject({
      fractionLost: 200,
      cumulativeLost: 5000,
    });
  });
});
