/**
 * Audio statistics of the call shown by an element (`el.call.peerConnection.getStats()`),
 * read from the page: inbound energy/level/packets and outbound packets.
 */
import type { Page } from '@playwright/test';

export interface AudioStats {
  packetsReceived: number;
  packetsSent: number;
  totalAudioEnergy: number;
  totalSamplesDuration: number;
  audioLevel: number;
}

/**
 * Runs in the page: stats of `document.querySelector(sel).call`, or undefined without a
 * media connection. Self-contained, so any driver can evaluate it.
 */
export async function audioStatsInPage(sel: string): Promise<AudioStats | undefined> {
  const el = document.querySelector(sel) as
    | (Element & { call?: { peerConnection?: RTCPeerConnection } })
    | null;
  const pc = el?.call?.peerConnection;
  if (!pc) return undefined;
  const result = {
    packetsReceived: 0,
    packetsSent: 0,
    totalAudioEnergy: 0,
    totalSamplesDuration: 0,
    audioLevel: 0,
  };
  const report = await pc.getStats();
  report.forEach((s: Record<string, unknown>) => {
    if (s.kind !== 'audio') return;
    if (s.type === 'inbound-rtp') {
      result.packetsReceived += Number(s.packetsReceived ?? 0);
      result.totalAudioEnergy += Number(s.totalAudioEnergy ?? 0);
      result.totalSamplesDuration += Number(s.totalSamplesDuration ?? 0);
      result.audioLevel = Math.max(result.audioLevel, Number(s.audioLevel ?? 0));
    } else if (s.type === 'outbound-rtp') {
      result.packetsSent += Number(s.packetsSent ?? 0);
    }
  });
  return result;
}

/** Stats of `document.querySelector(selector).call`, or undefined without a media connection. */
export function readAudioStats(page: Page, selector: string): Promise<AudioStats | undefined> {
  return page.evaluate(audioStatsInPage, selector);
}

/**
 * Mean inbound audio power (0..1, full-scale sine ≈ 0.5) in consecutive windows, measured in
 * the page over `durationMs`. Used to compare the shape of what comes back with what went in.
 */
export function sampleInboundPower(
  page: Page,
  selector: string,
  durationMs: number,
  windowMs = 100,
): Promise<number[]> {
  return page.evaluate(
    async ({ sel, durationMs, windowMs }) => {
      const el = document.querySelector(sel) as
        | (Element & { call?: { peerConnection?: RTCPeerConnection } })
        | null;
      const pc = el?.call?.peerConnection;
      if (!pc) throw new Error(`${sel} has no media connection`);
      const inbound = async () => {
        let energy = 0;
        let duration = 0;
        (await pc.getStats()).forEach((s: Record<string, unknown>) => {
          if (s.type === 'inbound-rtp' && s.kind === 'audio') {
            energy += Number(s.totalAudioEnergy ?? 0);
            duration += Number(s.totalSamplesDuration ?? 0);
          }
        });
        return { energy, duration };
      };
      const powers: number[] = [];
      let previous = await inbound();
      const end = performance.now() + durationMs;
      while (performance.now() < end) {
        await new Promise((r) => setTimeout(r, windowMs));
        const current = await inbound();
        const seconds = current.duration - previous.duration;
        powers.push(seconds > 0 ? (current.energy - previous.energy) / seconds : 0);
        previous = current;
      }
      return powers;
    },
    { sel: selector, durationMs, windowMs },
  );
}

/** Number of silent→loud transitions in a power series (bursts observed). */
export function countBursts(powers: number[], loud: number, quiet: number): number {
  let bursts = 0;
  let inBurst = false;
  for (const p of powers) {
    if (!inBurst && p >= loud) {
      bursts++;
      inBurst = true;
    } else if (inBurst && p <= quiet) {
      inBurst = false;
    }
  }
  return bursts;
}

/** What the browser's own RTCP and RTP bookkeeping says about the call's audio path. */
export interface MediaPathStats {
  /** `mimeType` of the codecs used by the inbound and outbound audio streams. */
  inboundCodec: string | undefined;
  outboundCodec: string | undefined;
  packetsReceived: number;
  packetsLost: number;
  /** Inbound interarrival jitter (RFC 3550), ms. */
  jitterMs: number | undefined;
  /** From the far end's receiver reports about our stream (RTCP), ms. */
  roundTripTimeMs: number | undefined;
  roundTripTimeMeasurements: number;
}

export function readMediaPathStats(
  page: Page,
  selector: string,
): Promise<MediaPathStats | undefined> {
  return page.evaluate(async (sel) => {
    const el = document.querySelector(sel) as
      | (Element & { call?: { peerConnection?: RTCPeerConnection } })
      | null;
    const pc = el?.call?.peerConnection;
    if (!pc) return undefined;
    const report = await pc.getStats();
    const all = [...report.values()] as Record<string, unknown>[];
    const byId = new Map(all.map((s) => [s.id, s]));
    const audio = (type: string) => all.find((s) => s.type === type && s.kind === 'audio');
    const inbound = audio('inbound-rtp');
    const outbound = audio('outbound-rtp');
    const remote = audio('remote-inbound-rtp');
    const codec = (s: Record<string, unknown> | undefined) =>
      s ? (byId.get(s.codecId) as { mimeType?: string } | undefined)?.mimeType : undefined;
    const ms = (seconds: unknown) => (typeof seconds === 'number' ? seconds * 1000 : undefined);
    return {
      inboundCodec: codec(inbound),
      outboundCodec: codec(outbound),
      packetsReceived: Number(inbound?.packetsReceived ?? 0),
      packetsLost: Number(inbound?.packetsLost ?? 0),
      jitterMs: ms(inbound?.jitter),
      roundTripTimeMs: ms(remote?.roundTripTime),
      roundTripTimeMeasurements: Number(remote?.roundTripTimeMeasurements ?? 0),
    };
  }, selector);
}
