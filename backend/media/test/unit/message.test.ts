import { describe, expect, it } from 'vitest';
import {
  findRequestProblem,
  getHeader,
  getHeaderValues,
  parseNameAddr,
  parseSipMessage,
  SipParseError,
  type SipRequest,
  serializeSipMessage,
  splitList,
} from '../../src/sip/message.js';

const invite = [
  'INVITE sip:ivr@helpline.test SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc;rport',
  'Via: SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bKdef',
  'Record-Route: <sip:127.0.0.1:5060;lr>, <sip:10.0.0.9;lr;x="a,b">',
  'From: "Visitor, Jane" <sip:visitor-1@helpline.test>;tag=42',
  'To: <sip:ivr@helpline.test>',
  'Call-ID: abc@host',
  'CSeq: 7 INVITE',
  'Subject: a long',
  ' folded',
  '\tsubject',
  'Content-Type: application/sdp',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

function parseRequest(text: string): SipRequest {
  const message = parseSipMessage(Buffer.from(text));
  if (message.kind !== 'request') throw new Error('expected a request');
  return message;
}

describe('SIP parser', () => {
  it('parses a request with multiple Vias, quoted commas and a body', () => {
    const request = parseRequest(invite);
    expect(request.method).toBe('INVITE');
    expect(request.uri).toBe('sip:ivr@helpline.test');
    expect(getHeaderValues(request, 'via')).toHaveLength(2);
    expect(getHeaderValues(request, 'record-route')).toEqual([
      '<sip:127.0.0.1:5060;lr>',
      '<sip:10.0.0.9;lr;x="a,b">',
    ]);
    expect(parseNameAddr(getHeader(request, 'from')!)?.display).toBe('Visitor, Jane');
    expect(findRequestProblem(request)).toBeUndefined();
    // Content-Length cuts the body to the declared 4 bytes.
    expect(request.body.toString()).toBe('v=0\r');
  });

  it('unfolds continuation lines', () => {
    expect(getHeader(parseRequest(invite), 'subject')).toBe('a long folded subject');
  });

  it('maps compact header forms to their full names', () => {
    const request = parseRequest(
      [
        'OPTIONS sip:media@127.0.0.1 SIP/2.0',
        'v: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1',
        'f: <sip:a@b>;tag=1',
        't: <sip:media@127.0.0.1>',
        'i: compact@x',
        'CSeq: 1 OPTIONS',
        'l: 0',
        '',
        '',
      ].join('\r\n'),
    );
    expect(getHeader(request, 'call-id')).toBe('compact@x');
    expect(getHeader(request, 'from')).toBe('<sip:a@b>;tag=1');
    expect(findRequestProblem(request)).toBeUndefined();
  });

  it('parses responses', () => {
    const message = parseSipMessage(Buffer.from('SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\n\r\n'));
    expect(message).toMatchObject({ kind: 'response', status: 486, reason: 'Busy Here' });
  });

  it('round-trips through the serializer with a recomputed Content-Length', () => {
    const request = parseRequest(invite);
    const again = parseRequest(serializeSipMessage(request).toString());
    expect(again.headers.filter((h) => h.name !== 'content-length')).toEqual(
      request.headers.filter((h) => h.name !== 'content-length'),
    );
    expect(getHeader(again, 'content-length')).toBe('4');
  });

  it.each([
    ['an empty datagram', ''],
    ['a bad start line', 'HELLO WORLD\r\n\r\n'],
    ['a header without colon', 'OPTIONS sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP x\r\n\r\n'],
    ['binary garbage', '\u0000\u0001\u0002\u00ff'],
  ])('rejects %s with SipParseError', (_name, text) => {
    expect(() => parseSipMessage(Buffer.from(text, 'latin1'))).toThrow(SipParseError);
  });

  it.each([
    ['missing Call-ID', (t: string) => t.replace(/Call-ID: .*\r\n/, ''), 'Missing Call-ID'],
    ['bad CSeq', (t: string) => t.replace('CSeq: 7 INVITE', 'CSeq: seven INVITE'), 'Bad CSeq'],
    [
      'CSeq method mismatch',
      (t: string) => t.replace('CSeq: 7 INVITE', 'CSeq: 7 BYE'),
      'CSeq method does not match',
    ],
    [
      'short body',
      (t: string) => t.replace('Content-Length: 4', 'Content-Length: 400'),
      'Content-Length larger than body',
    ],
    [
      'bad Via',
      (t: string) => t.replace(/^Via: SIP\/2.0\/UDP 127/m, 'Via: nonsense 127'),
      'Bad Via',
    ],
  ])('finds the problem of a request with %s', (_name, mutate, problem) => {
    expect(findRequestProblem(parseRequest(mutate(invite)))).toBe(problem);
  });

  it('splits lists only outside quotes and brackets', () => {
    expect(splitList('"a,b" <sip:x>, <sip:y;p="1,2">')).toEqual([
      '"a,b" <sip:x>',
      '<sip:y;p="1,2">',
    ]);
  });
});
