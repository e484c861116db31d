import { describe, expect, it } from 'vitest';
import {
  audioDirection,
  deriveHoldState,
  localDirection,
  SILENT_HOLD_AFTER_MS,
  shouldPlayHoldMusic,
} from './hold';

const sdp = (...lines: string[]) =>
  `${['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', ...lines].join('\r\n')}\r\n`;

describe('deriveHoldState', () => {
  it.each([
    [false, false, 'none'],
    [true, false, 'local'],
    [false, true, 'remote'],
    [true, true, 'both'],
  ] as const)('local %s, remote %s → %s', (local, remote, expected) => {
    expect(deriveHoldState(local, remote)).toBe(expected);
  });
});

describe('audioDirection', () => {
  it('reads the audio section', () => {
    expect(audioDirection(sdp('m=audio 4000 RTP/AVP 0', 'a=sendonly'))).toBe('sendonly');
    expect(audioDirection(sdp('m=audio 4000 RTP/AVP 0', 'a=inactive'))).toBe('inactive');
  });
  it('defaults to sendrecv, and falls back to the session level', () => {
    expect(audioDirection(sdp('m=audio 4000 RTP/AVP 0'))).toBe('sendrecv');
    expect(audioDirection(sdp('a=sendonly', 'm=audio 4000 RTP/AVP 0'))).toBe('sendonly');
    expect(audioDirection(sdp('a=sendonly', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv'))).toBe(
      'sendrecv',
    );
  });
  it('ignores other media sections and treats port 0 as inactive', () => {
    expect(
      audioDirection(sdp('m=video 5000 RTP/AVP 96', 'a=inactive', 'm=audio 4000 RTP/AVP 0')),
    ).toBe('sendrecv');
    expect(audioDirection(sdp('m=audio 0 RTP/AVP 0', 'a=sendrecv'))).toBe('inactive');
  });
});

describe('hold offers and music', () => {
  it('holds with sendonly', () => {
    expect(localDirection(true)).toBe('sendonly');
    expect(localDirection(false)).toBe('sendrecv');
  });

  it.each([
    [false, 'inactive', undefined, false],
    [true, 'inactive', undefined, true],
    [true, 'sendonly', undefined, false],
    [true, 'sendonly', 200, false],
    [true, 'sendonly', SILENT_HOLD_AFTER_MS, false],
    [true, 'sendonly', SILENT_HOLD_AFTER_MS + 1, true],
    [false, 'sendonly', 10_000, false],
  ] as const)(
    'remote hold %s, offered %s, silent %s ms → play %s',
    (remoteHold, offered, silent, play) => {
      expect(
        shouldPlayHoldMusic({ remoteHold, localHold: false, offered, inboundSilentMs: silent }),
      ).toBe(play);
    },
  );

  it('plays no music for a call we hold too (another call has the line)', () => {
    expect(
      shouldPlayHoldMusic({
        remoteHold: true,
        localHold: true,
        offered: 'inactive',
        inboundSilentMs: undefined,
      }),
    ).toBe(false);
  });
});
