/**
 * Diagnostic, with ice-trace.ts: the UDP packets of a capture of the lab's loopback, one line
 * each, named by what they carry: STUN (method, class, USE-CANDIDATE, the ICE role
 * attribute, an error code), TURN ChannelData, DTLS records (handshake messages by name while
 * unencrypted), RTP and RTCP; TCP segments (e.g. TURN over TLS) by flags and length.
 *
 *   bash backend/lab/lab.sh exec -- tcpdump -i lo -s 400 -w FILE 'udp or tcp port 4443'
 *   node --import tsx bench/src/wire-trace.ts FILE [--from=EPOCH_MS]
 *
 * Times are epoch ms, or ms after `--from` (the click's epoch time that ice-trace prints).
 * Reads the classic pcap format with Ethernet framing (what tcpdump writes for `lo`).
 */
import { readFileSync } from 'node:fs';

const STUN_METHODS: Record<number, string> = {
  1: 'Binding',
  3: 'Allocate',
  4: 'Refresh',
  6: 'Send',
  7: 'Data',
  8: 'CreatePermission',
  9: 'ChannelBind',
};
const STUN_CLASSES = ['request', 'indication', 'response', 'error'];
/** STUN attributes worth naming (RFC 8445 §16.1, RFC 8489 §14.8). */
const STUN_ATTRIBUTES: Record<number, string> = {
  37: 'USE-CANDIDATE',
  32809: 'ICE-CONTROLLED',
  32810: 'ICE-CONTROLLING',
};
const DTLS_CONTENT: Record<number, string> = { 20: 'CCS', 21: 'Alert', 22: 'HS', 23: 'App' };
const DTLS_HANDSHAKE: Record<number, string> = {
  1: 'ClientHello',
  2: 'ServerHello',
  3: 'HelloVerifyRequest',
  4: 'NewSessionTicket',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
};
const STUN_MAGIC_COOKIE = 0x2112a442;

function describeStun(p: Buffer): string {
  const type = p.readUInt16BE(0);
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const klass = ((type & 0x0010) >> 4) | ((type & 0x0100) >> 7);
  const end = Math.min(20 + p.readUInt16BE(2), p.length);
  const named: string[] = [];
  for (let at = 20; at + 4 <= end; at += 4 + ((p.readUInt16BE(at + 2) + 3) & ~3)) {
    const attribute = p.readUInt16BE(at);
    const name = STUN_ATTRIBUTES[attribute];
    if (name) named.push(name);
    if (attribute === 0x0009 && at + 8 <= end) named.push(`error ${p[at + 6]! * 100 + p[at + 7]!}`);
  }
  return `STUN ${STUN_METHODS[method] ?? method} ${STUN_CLASSES[klass]} ${named.join(' ')}`;
}

function describeDtls(p: Buffer): string {
  const records: string[] = [];
  for (let at = 0; at + 13 <= p.length; at += 13 + p.readUInt16BE(at + 11)) {
    const content = p[at]!;
    const epoch = p.readUInt16BE(at + 3);
    const handshake =
      content === 22 && at + 14 <= p.length
        ? `:${epoch === 0 ? (DTLS_HANDSHAKE[p[at + 13]!] ?? p[at + 13]) : 'encrypted'}`
        : '';
    records.push(`${DTLS_CONTENT[content] ?? content}${handshake}`);
  }
  return `DTLS ${records.join(',')}`;
}

/** Text protocols on the same loopback: SIP over UDP, rtpengine's control protocol. */
function isText(p: Buffer): boolean {
  return p.length >= 4 && [...p.subarray(0, 4)].every((byte) => byte >= 32 && byte <= 126);
}

/** RFC 7983 §7: the first byte tells STUN, DTLS, TURN channel and RTP/RTCP apart. */
function describeUdp(p: Buffer): string {
  const first = p[0];
  if (first === undefined) return 'empty';
  if (isText(p))
    return `text "${
      p
        .subarray(0, 24)
        .toString('latin1')
        .split(/[\r\n]/)[0]
    }"`;
  if (first < 4 && p.length >= 20 && p.readUInt32BE(4) === STUN_MAGIC_COOKIE) {
    return describeStun(p);
  }
  if (first >= 20 && first <= 63) return describeDtls(p);
  if (first >= 64 && first <= 79 && p.length >= 4) {
    return `ChannelData ${p.readUInt16BE(0)}: ${describeUdp(p.subarray(4))}`;
  }
  if (first >= 128 && first <= 191 && p.length >= 4) {
    const second = p[1]!;
    if (second >= 192 && second <= 223) return `RTCP ${second}`;
    return `RTP pt ${second & 0x7f} seq ${p.readUInt16BE(2)}`;
  }
  return `other ${first}`;
}

function* packets(file: Buffer): Generator<{ epochMs: number; frame: Buffer }> {
  const magic = file.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('not a little-endian pcap');
  const nanoseconds = magic === 0xa1b23c4d;
  for (let at = 24; at + 16 <= file.length; ) {
    const seconds = file.readUInt32LE(at);
    const fraction = file.readUInt32LE(at + 4);
    const length = file.readUInt32LE(at + 8);
    const frame = file.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    yield { epochMs: seconds * 1000 + (nanoseconds ? fraction / 1e6 : fraction / 1e3), frame };
  }
}

function main(): void {
  const [path] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!path) throw new Error('usage: wire-trace.ts FILE.pcap [--from=EPOCH_MS]');
  const from = Number(process.argv.find((a) => a.startsWith('--from='))?.slice(7) ?? 0);
  for (const { epochMs, frame } of packets(readFileSync(path))) {
    const ip = frame.subarray(14);
    if (ip.length < 20 || ip[0]! >> 4 !== 4) continue;
    const segment = ip.subarray((ip[0]! & 0x0f) * 4);
    const ports = `${segment.readUInt16BE(0)} > ${segment.readUInt16BE(2)}`;
    const time = (epochMs - from).toFixed(1).padStart(from ? 8 : 16);
    if (ip[9] === 17) console.log(`${time}  ${ports}  ${describeUdp(segment.subarray(8))}`);
    if (ip[9] === 6) {
      const flags = [...'FSRPAU'].filter((_, bit) => segment[13]! & (1 << bit)).join('');
      const payload = segment.length - (segment[12]! >> 4) * 4;
      console.log(`${time}  ${ports}  TCP ${flags} ${payload} bytes`);
    }
  }
}

main();
