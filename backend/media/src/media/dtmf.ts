/** RFC 4733 telephone-event payloads: decoding received digits and building outgoing ones. */

export const DTMF_EVENTS = '0123456789*#ABCD';

export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  duration: number;
}

export function parseTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: payload.readUInt16BE(2),
  };
}

export function buildTelephoneEvent(event: TelephoneEvent): Buffer {
  const out = Buffer.alloc(4);
  out[0] = event.event;
  out[1] = (event.end ? 0x80 : 0) | (event.volume & 0x3f);
  out.writeUInt16BE(Math.min(event.duration, 0xffff), 2);
  return out;
}

export function digitToEvent(digit: string): number | undefined {
  const index = DTMF_EVENTS.indexOf(digit.toUpperCase());
  return index < 0 ? undefined : index;
}

/**
 * Turns a stream of telephone-event packets into digits. An event is identified by its RTP
 * timestamp, so the repeated packets of one key press (and its three end packets) count once.
 */
export class DtmfReceiver {
  private lastTimestamp: number | undefined;

  /** Returns the digit when this packet starts a new event. */
  receive(timestamp: number, payload: Buffer): string | undefined {
    const event = parseTelephoneEvent(payload);
    if (!event || event.event >= DTMF_EVENTS.length) return undefined;
    if (timestamp === this.lastTimestamp) return undefined;
    this.lastTimestamp = timestamp;
    return DTMF_EVENTS[event.event];
  }
}
