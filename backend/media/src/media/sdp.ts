/** SDP offer/answer (RFC 3264) for one G.711 audio stream plus telephone-event. */
import { isIPv4 } from 'node:net';
import { parse, write } from 'sdp-transform';
import type { Codec } from './g711.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export class SdpError extends Error {
  override name = 'SdpError';
}

export interface AudioOffer {
  address: string;
  port: number;
  rtcpPort: number;
  /** The offerer's payload types in preference order that we can use. */
  codecs: { payloadType: number; codec: Codec }[];
  telephoneEventPt: number | undefined;
  direction: Direction;
}

const STATIC_PT: Record<number, Codec> = { 0: 'PCMU', 8: 'PCMA' };

/** Reads the first audio stream of an offer or answer. */
export function parseAudio(body: string): AudioOffer {
  let session: ReturnType<typeof parse>;
  try {
    session = parse(body);
  } catch (error) {
    throw new SdpError(`unparseable SDP: ${(error as Error).message}`);
  }
  const audio = session.media.find((m) => m.type === 'audio' && m.port !== 0);
  if (!audio) throw new SdpError('no active audio stream');
  const address = audio.connection?.ip ?? session.connection?.ip;
  if (!address) throw new SdpError('no connection address');
  // Media goes only to an IPv4 literal on a real port: a host name would make every packet
  // a DNS lookup, and a bad port a send error in the middle of the media clock.
  if (!isIPv4(address)) throw new SdpError('connection address must be an IPv4 address');
  const rtcpPort = audio.rtcp?.port ?? audio.port + 1;
  if (!validPort(audio.port) || !validPort(rtcpPort)) throw new SdpError('bad media port');
  const names = new Map<number, string>();
  for (const rtp of audio.rtp ?? [])
    names.set(rtp.payload, `${rtp.codec}/${rtp.rate}`.toUpperCase());
  const payloadTypes = String(audio.payloads ?? '')
    .split(/\s+/)
    .filter((p) => p !== '')
    .map(Number);
  const codecs: AudioOffer['codecs'] = [];
  let telephoneEventPt: number | undefined;
  for (const pt of payloadTypes) {
    const name = names.get(pt);
    const codec =
      name === 'PCMU/8000'
        ? 'PCMU'
        : name === 'PCMA/8000'
          ? 'PCMA'
          : name
            ? undefined
            : STATIC_PT[pt];
    if (codec) codecs.push({ payloadType: pt, codec });
    else if (name === 'TELEPHONE-EVENT/8000' && telephoneEventPt === undefined)
      telephoneEventPt = pt;
  }
  const direction =
    (audio.direction as Direction | undefined) ??
    (session.direction as Direction | undefined) ??
    'sendrecv';
  const zeroAddress = address === '0.0.0.0';
  return {
    address,
    port: audio.port,
    rtcpPort,
    codecs,
    telephoneEventPt,
    // RFC 2543 hold (c=0.0.0.0) still shows up from old PBXs.
    direction: zeroAddress && direction === 'sendrecv' ? 'sendonly' : direction,
  };
}

function validPort(port: unknown): boolean {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}

/** RFC 3264 section 6.1: the answer's direction, narrowed by our own hold state. */
export function answerDirection(
  offered: Direction,
  localHold: 'sendonly' | 'inactive' | undefined,
): Direction {
  const weSend = offered === 'sendrecv' || offered === 'recvonly';
  const weReceive = offered === 'sendrecv' || offered === 'sendonly';
  if (localHold === 'inactive') return 'inactive';
  return toDirection(weSend, weReceive && localHold === undefined);
}

export function toDirection(send: boolean, receive: boolean): Direction {
  if (send && receive) return 'sendrecv';
  if (send) return 'sendonly';
  if (receive) return 'recvonly';
  return 'inactive';
}

export function sends(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function receives(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

export interface LocalDescription {
  address: string;
  port: number;
  sessionId: number;
  version: number;
  direction: Direction;
  /** Offered in this order; an answer lists exactly one. */
  codecs: { payloadType: number; codec: Codec }[];
  telephoneEventPt: number | undefined;
}

export function writeSdp(local: LocalDescription): string {
  const rtp: { payload: number; codec: string; rate: number }[] = local.codecs.map((c) => ({
    payload: c.payloadType,
    codec: c.codec,
    rate: 8000,
  }));
  const fmtp: { payload: number; config: string }[] = [];
  if (local.telephoneEventPt !== undefined) {
    rtp.push({ payload: local.telephoneEventPt, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: local.telephoneEventPt, config: '0-16' });
  }
  return write({
    version: 0,
    origin: {
      username: '-',
      sessionId: local.sessionId,
      sessionVersion: local.version,
      netType: 'IN',
      ipVer: 4,
      address: local.address,
    },
    name: '-',
    connection: { version: 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: local.port,
        protocol: 'RTP/AVP',
        payloads: rtp.map((r) => r.payload).join(' '),
        rtp,
        fmtp,
        ptime: 20,
        direction: local.direction,
      },
    ],
  });
}

export const OFFERED_CODECS: LocalDescription['codecs'] = [
  { payloadType: 0, codec: 'PCMU' },
  { payloadType: 8, codec: 'PCMA' },
];
export const OFFERED_TELEPHONE_EVENT_PT = 101;
