/** RTCP sender and receiver reports (RFC 3550 section 6.4), one report block each. */

const NTP_EPOCH_OFFSET_S = 2_208_988_800;

export interface ReportBlock {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  extendedMaxSeq: number;
  jitter: number;
  /** Middle 32 bits of the NTP time of the last SR received from that source, 0 if none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s. */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  ntpMs: number;
  rtpTimestamp: number;
  packets: number;
  octets: number;
}

export interface RtcpReport {
  type: 'SR' | 'RR';
  ssrc: number;
  sender: SenderInfo | undefined;
  blocks: ReportBlock[];
}

export function ntpParts(unixMs: number): { seconds: number; fraction: number } {
  const seconds = Math.floor(unixMs / 1000) + NTP_EPOCH_OFFSET_S;
  const fraction = Math.floor(((unixMs % 1000) / 1000) * 2 ** 32);
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/** The "compact" NTP time (16.16) that LSR and RTT arithmetic use. */
export function compactNtp(unixMs: number): number {
  const { seconds, fraction } = ntpParts(unixMs);
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

export function buildReport(report: RtcpReport): Buffer {
  const blocks = report.blocks.slice(0, 31);
  const senderBytes = report.sender ? 20 : 0;
  const length = 8 + senderBytes + blocks.length * 24;
  const out = Buffer.alloc(length);
  out[0] = 0x80 | blocks.length;
  out[1] = report.sender ? 200 : 201;
  out.writeUInt16BE(length / 4 - 1, 2);
  out.writeUInt32BE(report.ssrc >>> 0, 4);
  let offset = 8;
  if (report.sender) {
    const { seconds, fraction } = ntpParts(report.sender.ntpMs);
    out.writeUInt32BE(seconds, offset);
    out.writeUInt32BE(fraction, offset + 4);
    out.writeUInt32BE(report.sender.rtpTimestamp >>> 0, offset + 8);
    out.writeUInt32BE(report.sender.packets >>> 0, offset + 12);
    out.writeUInt32BE(report.sender.octets >>> 0, offset + 16);
    offset += 20;
  }
  for (const block of blocks) {
    out.writeUInt32BE(block.ssrc >>> 0, offset);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, block.cumulativeLost)) & 0xffffff;
    out.writeUInt32BE((((block.fractionLost & 0xff) << 24) | lost) >>> 0, offset + 4);
    out.writeUInt32BE(block.extendedMaxSeq >>> 0, offset + 8);
    out.writeUInt32BE(block.jitter >>> 0, offset + 12);
    out.writeUInt32BE(block.lastSr >>> 0, offset + 16);
    out.writeUInt32BE(block.delaySinceLastSr >>> 0, offset + 20);
    offset += 24;
  }
  return out;
}

/** Parses the SR/RR packets of a compound RTCP packet and skips the other types. */
export function parseReports(data: Buffer): RtcpReport[] {
  const reports: RtcpReport[] = [];
  let offset = 0;
  while (offset + 8 <= data.length) {
    if (data[offset]! >> 6 !== 2) break;
    const count = data[offset]! & 0x1f;
    const type = data[offset + 1]!;
    const end = offset + (data.readUInt16BE(offset + 2) + 1) * 4;
    if (end > data.length) break;
    if (type === 200 || type === 201) {
      let cursor = offset + 8;
      let sender: SenderInfo | undefined;
      if (type === 200 && cursor + 20 <= end) {
        const seconds = data.readUInt32BE(cursor) - NTP_EPOCH_OFFSET_S;
        const fraction = data.readUInt32BE(cursor + 4);
        sender = {
          ntpMs: seconds * 1000 + (fraction / 2 ** 32) * 1000,
          rtpTimestamp: data.readUInt32BE(cursor + 8),
          packets: data.readUInt32BE(cursor + 12),
          octets: data.readUInt32BE(cursor + 16),
        };
        cursor += 20;
      }
      const blocks: ReportBlock[] = [];
      for (let i = 0; i < count && cursor + 24 <= end; i++, cursor += 24) {
        const lostWord = data.readUInt32BE(cursor + 4);
        const lost24 = lostWord & 0xffffff;
        blocks.push({
          ssrc: data.readUInt32BE(cursor),
          fractionLost: lostWord >>> 24,
          cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
          extendedMaxSeq: data.readUInt32BE(cursor + 8),
          jitter: data.readUInt32BE(cursor + 12),
          lastSr: data.readUInt32BE(cursor + 16),
          delaySinceLastSr: data.readUInt32BE(cursor + 20),
        });
      }
      reports.push({
        type: type === 200 ? 'SR' : 'RR',
        ssrc: data.readUInt32BE(offset + 4),
        sender,
        blocks,
      });
    }
    offset = end;
  }
  return reports;
}

/** Round-trip time from a report block about our stream (RFC 3550 section 6.4.1). */
export function roundTripMs(block: ReportBlock, arrivalUnixMs: number): number | undefined {
  if (block.lastSr === 0) return undefined;
  const rtt = (compactNtp(arrivalUnixMs) - block.lastSr - block.delaySinceLastSr) >>> 0;
  // A negative difference wraps to a huge value: ignore it rather than report nonsense.
  if (rtt > 0x7fffffff) return undefined;
  return (rtt / 65536) * 1000;
}
