/**
 * Parsing time must grow linearly with the input: the server has one thread, and a message
 * that takes seconds to parse stalls every call's RTP. Each case compares the same number of
 * bytes parsed as 6 KB inputs and as 60 KB inputs: linear code takes about as long for both,
 * a quadratic regex ten times longer (and seconds in absolute terms). Relative, not absolute
 * times, so a loaded machine does not decide the verdict.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parseAudio } from '../../src/media/sdp.js';
import { infoDigit } from '../../src/sip/info.js';
import {
  findRequestProblem,
  MAX_MESSAGE_BYTES,
  parseNameAddr,
  parseSipMessage,
  parseSipUri,
  parseVia,
  SipParseError,
  type SipRequest,
} from '../../src/sip/message.js';
import { readReferTarget } from '../../src/sip/refer.js';
import { readSessionExpires } from '../../src/sip/session-timer.js';

const UNLIMITED = {
  messageBytes: Number.POSITIVE_INFINITY,
  headerLineBytes: Number.POSITIVE_INFINITY,
  headerLines: Number.POSITIVE_INFINITY,
};
const SMALL = 6 * 1024;
const LARGE = 60 * 1024;
/** A single 60 KB parse slower than this is quadratic beyond doubt: stop measuring. */
const HOPELESS_MS = 1000;

function bestOf(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Asserts that parsing ten 6 KB inputs and one 60 KB input cost about the same. */
function expectLinear(make: (bytes: number) => string, parse: (input: string) => unknown): void {
  const small = make(SMALL);
  const large = make(LARGE);
  const single = bestOf(1, () => parse(large));
  expect(single, `one ${LARGE}-byte input took ${single.toFixed(0)} ms`).toBeLessThan(HOPELESS_MS);
  const reps = 5;
  // Best of 9: other test files run beside this one, and a busy machine can stall any one
  // run; the fastest of nine is what the code costs.
  const smallMs = bestOf(9, () => {
    for (let i = 0; i < reps * 10; i++) parse(small);
  });
  const largeMs = bestOf(9, () => {
    for (let i = 0; i < reps; i++) parse(large);
  });
  // Same bytes either way: ~1 when linear, ~10 when quadratic. 4 leaves room for noise (a
  // whole-suite run at load 30 once measured above 3) and still catches quadratic code.
  expect(largeMs / smallMs, `${largeMs.toFixed(2)} ms vs ${smallMs.toFixed(2)} ms`).toBeLessThan(4);
}

const spaces = (bytes: number): string => ' '.repeat(bytes);

function request(headers: string[], body = ''): string {
  return [
    'INVITE sip:ivr@helpline.test SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc',
    'To: <sip:ivr@helpline.test>',
    'Call-ID: linear@test',
    'CSeq: 1 INVITE',
    ...headers,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

describe('linear-time parsing of attacker-controlled text', { timeout: 30_000 }, () => {
  it('name-addr: a From/To/Contact of whitespace', () => {
    expectLinear(
      (n) => `${spaces(n)}x`,
      (value) => parseNameAddr(value),
    );
    expectLinear(
      (n) => `"${spaces(n)}" <sip:a@b>${spaces(n)};tag=1`,
      (value) => parseNameAddr(value),
    );
  });

  it('INFO dtmf-relay: a body of blank lines', () => {
    expectLinear(
      (n) => `${'\n'.repeat(n)}Signal=5`,
      (body) => infoDigit('application/dtmf-relay', body),
    );
    expectLinear(
      (n) => ` \n`.repeat(n / 2),
      (body) => infoDigit('application/dtmf-relay', body),
    );
    expect(infoDigit('application/dtmf-relay', 'Signal= 5\r\nDuration=160\r\n')).toEqual({
      digit: '5',
    });
    expect(infoDigit('application/dtmf', ' # ')).toEqual({ digit: '#' });
    expect(infoDigit('text/plain', 'hi')).toEqual({ unsupported: true });
  });

  it('Via, Session-Expires and SIP URIs with whitespace and bare CRs', () => {
    expectLinear(
      (n) => `SIP/2.0/UDP host${spaces(n)}\rx`,
      (value) => parseVia(value),
    );
    expectLinear(
      (n) => `90${spaces(n)}\rx`,
      (value) =>
        readSessionExpires({
          kind: 'request',
          method: 'INVITE',
          uri: 'sip:x@y',
          headers: [{ name: 'session-expires', value }],
          body: Buffer.alloc(0),
        }),
    );
    expectLinear(
      (n) => `sip:${'a'.repeat(n)}`,
      (value) => parseSipUri(value),
    );
  });

  it('Refer-To: whitespace, a long user part, a long list', () => {
    const refer = (value: string): SipRequest => ({
      kind: 'request',
      method: 'REFER',
      uri: 'sip:media@127.0.0.1',
      headers: [{ name: 'refer-to', value }],
      body: Buffer.alloc(0),
    });
    const read = (value: string) => readReferTarget(refer(value), 'helpline.test');
    expectLinear((n) => `${spaces(n)}sip:agent2@helpline.test${spaces(n)}`, read);
    expectLinear((n) => `<sip:${'a'.repeat(n)}@helpline.test>`, read);
    expectLinear((n) => `<sip:${'a:'.repeat(n / 2)}helpline.test;${'m;'.repeat(n / 4)}>`, read);
    expectLinear((n) => '<sip:a@helpline.test>,'.repeat(n / 22), read);
    expectLinear((n) => `<sip:a@helpline.test?Replaces=${'x%3Bto-tag%3D'.repeat(n / 13)}>`, read);
    expectLinear((n) => `<sip:a@helpline.test?Replaces=${'='.repeat(n)}>`, read);
  });

  it('a whole request with whitespace-stuffed headers (no size cap)', () => {
    expectLinear(
      (n) => request([`From: ${spaces(n)}<sip:a@b>;tag=1`, `Contact: ${spaces(n / 2)}x`]),
      (text) => {
        const message = parseSipMessage(Buffer.from(text), UNLIMITED);
        return findRequestProblem(message as SipRequest);
      },
    );
  });

  it('an SDP body of whitespace', () => {
    expectLinear(
      (n) => `v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\na=${spaces(n)}x\r\n`,
      (body) => {
        try {
          parseAudio(body);
        } catch {
          // Refusing it is fine; taking long is not.
        }
      },
    );
  });
});

describe('SIP size limits', () => {
  it('refuses a datagram over 8 KB before reading it', () => {
    const huge = Buffer.from(request([`From: ${spaces(LARGE)}<sip:a@b>;tag=1`]));
    expect(() => parseSipMessage(huge)).toThrow(SipParseError);
    expect(() => parseSipMessage(huge)).toThrow(/exceeds 8192/);
    expect(MAX_MESSAGE_BYTES).toBe(8192);
  });

  it('refuses an over-long header line, too many headers and control characters', () => {
    expect(() => parseSipMessage(Buffer.from(request([`Subject: ${'x'.repeat(3000)}`])))).toThrow(
      /header line longer/,
    );
    const many = Array.from({ length: 120 }, (_, i) => `X-H${i}: 1`);
    expect(() => parseSipMessage(Buffer.from(request(many)))).toThrow(/header lines/);
    expect(() => parseSipMessage(Buffer.from(request(['From: <sip:a@b>\r;tag=1'])))).toThrow(
      /control character/,
    );
  });

  it('parses a display name with a quoted "<" and never throws on a bad escape', () => {
    expect(parseNameAddr('"a <b>" <sip:x@y>;tag=1')).toMatchObject({
      display: 'a <b>',
      uri: 'sip:x@y',
    });
    expect(parseNameAddr('sip:x@y;tag=2')?.params.get('tag')).toBe('2');
    expect(parseNameAddr('<>')).toBeUndefined();
    expect(parseSipUri('sip:%zz@127.0.0.1:5070')).toMatchObject({
      user: '%zz',
      host: '127.0.0.1',
      port: 5070,
    });
  });
});
