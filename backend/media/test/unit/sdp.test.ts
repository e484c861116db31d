import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { answerDirection, parseAudio, SdpError, writeSdp } from '../../src/media/sdp.js';

const browserOffer = (direction: string, payloads = '111 0 8 126', te = 126) =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio 40002 RTP/AVP ${payloads}`,
    'a=rtpmap:111 opus/48000/2',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    `a=rtpmap:${te} telephone-event/8000`,
    `a=${direction}`,
    '',
  ].join('\r\n');

describe('SDP offer/answer', () => {
  it('keeps the offerer order among G.711 codecs and finds its telephone-event PT', () => {
    const offer = parseAudio(browserOffer('sendrecv', '111 8 0 126'));
    expect(offer.codecs.map((c) => c.codec)).toEqual(['PCMA', 'PCMU']);
    expect(offer.telephoneEventPt).toBe(126);
    expect(offer).toMatchObject({ address: '127.0.0.1', port: 40002, rtcpPort: 40003 });
  });

  it('answers with the offered telephone-event payload type', () => {
    const offer = parseAudio(browserOffer('sendrecv'));
    const answer = parse(
      writeSdp({
        address: '127.0.0.1',
        port: 20000,
        sessionId: 1,
        version: 1,
        direction: answerDirection(offer.direction, undefined),
        codecs: [offer.codecs[0]!],
        telephoneEventPt: offer.telephoneEventPt,
      }),
    );
    expect(answer.media[0]!.payloads).toBe('0 126');
    expect(answer.media[0]!.rtp.find((r) => r.codec === 'telephone-event')?.payload).toBe(126);
    expect(answer.media[0]!.direction).toBe('sendrecv');
  });

  it.each([
    ['sendrecv', undefined, 'sendrecv'],
    ['sendonly', undefined, 'recvonly'],
    ['recvonly', undefined, 'sendonly'],
    ['inactive', undefined, 'inactive'],
    ['sendrecv', 'sendonly', 'sendonly'],
    ['sendonly', 'sendonly', 'inactive'],
    ['sendrecv', 'inactive', 'inactive'],
  ] as const)('answers an offer of %s (our hold: %s) with %s', (offered, hold, expected) => {
    expect(answerDirection(offered, hold)).toBe(expected);
  });

  it('treats the RFC 2543 c=0.0.0.0 hold as sendonly', () => {
    expect(
      parseAudio(browserOffer('sendrecv').replace(/c=IN IP4 127.0.0.1/, 'c=IN IP4 0.0.0.0'))
        .direction,
    ).toBe('sendonly');
  });

  it('rejects SDP without a usable audio stream', () => {
    expect(() => parseAudio('v=0\r\ns=-\r\nt=0 0\r\n')).toThrow(SdpError);
    expect(() =>
      parseAudio(browserOffer('sendrecv').replace('m=audio 40002', 'm=audio 0')),
    ).toThrow(SdpError);
  });
});
