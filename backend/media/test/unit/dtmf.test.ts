import { describe, expect, it } from 'vitest';
import { buildTelephoneEvent, DtmfReceiver, parseTelephoneEvent } from '../../src/media/dtmf.js';

const packet = (event: number, end: boolean, duration: number) =>
  buildTelephoneEvent({ event, end, volume: 10, duration });

describe('RFC 4733 telephone events', () => {
  it('decodes the end bit, volume and duration', () => {
    expect(parseTelephoneEvent(Buffer.from('018a08c0', 'hex'))).toEqual({
      event: 1,
      end: true,
      volume: 10,
      duration: 2240,
    });
    expect(parseTelephoneEvent(Buffer.from('0b0a0140', 'hex'))).toMatchObject({
      event: 11,
      end: false,
    });
  });

  it('counts one key press once, including its three end packets', () => {
    const receiver = new DtmfReceiver();
    const digits: (string | undefined)[] = [];
    for (const [d, end] of [
      [160, false],
      [320, false],
      [480, true],
      [480, true],
      [480, true],
    ] as const) {
      digits.push(receiver.receive(13280, packet(5, end, d)));
    }
    expect(digits.filter(Boolean)).toEqual(['5']);
  });

  it('reports the same digit twice when pressed twice (new timestamp)', () => {
    const receiver = new DtmfReceiver();
    expect(receiver.receive(1000, packet(10, false, 160))).toBe('*');
    expect(receiver.receive(1000, packet(10, true, 800))).toBeUndefined();
    expect(receiver.receive(2600, packet(10, true, 800))).toBe('*');
  });

  it('ignores events that are not DTMF and truncated payloads', () => {
    const receiver = new DtmfReceiver();
    expect(receiver.receive(1, packet(70, false, 160))).toBeUndefined();
    expect(receiver.receive(2, Buffer.from([1, 2]))).toBeUndefined();
  });
});
