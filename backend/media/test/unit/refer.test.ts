import { describe, expect, it } from 'vitest';
import { buildResponse } from '../../src/sip/builders.js';
import type { SipHeader, SipRequest } from '../../src/sip/message.js';
import { ReferSubscription, readReferTarget } from '../../src/sip/refer.js';

const DOMAIN = 'helpline.test';

function refer(...referTo: string[]): SipRequest {
  return {
    kind: 'request',
    method: 'REFER',
    uri: 'sip:media@127.0.0.1',
    headers: referTo.map((value) => ({ name: 'refer-to', value })),
    body: Buffer.alloc(0),
  };
}

describe('readReferTarget', () => {
  it('takes a plain user of our domain, with or without angle brackets', () => {
    expect(readReferTarget(refer('<sip:agent2@helpline.test>'), DOMAIN)).toEqual({
      user: 'agent2',
    });
    expect(readReferTarget(refer('"Sam" <sip:agent2@HELPLINE.test>;x=1'), DOMAIN)).toEqual({
      user: 'agent2',
    });
    expect(readReferTarget(refer('sip:agent2@helpline.test'), DOMAIN)).toEqual({ user: 'agent2' });
    expect(readReferTarget(refer('<sip:agent2@helpline.test;transport=udp>'), DOMAIN)).toEqual({
      user: 'agent2',
    });
  });

  it('refuses no Refer-To or more than one (400)', () => {
    expect(readReferTarget(refer(), DOMAIN)).toEqual({
      refusal: { status: 400, reason: 'Missing Refer-To' },
    });
    expect(
      readReferTarget(refer('<sip:a@helpline.test>', '<sip:b@helpline.test>'), DOMAIN),
    ).toMatchObject({ refusal: { status: 400 } });
    expect(
      readReferTarget(refer('<sip:a@helpline.test>, <sip:b@helpline.test>'), DOMAIN),
    ).toMatchObject({ refusal: { status: 400 } });
  });

  it('takes an attended transfer: the dialog to replace, as the Replaces header to send', () => {
    const attended = '<sip:agent2@helpline.test?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>';
    expect(readReferTarget(refer(attended), DOMAIN)).toEqual({
      user: 'agent2',
      replaces: 'abc@host;to-tag=1;from-tag=2',
    });
    // Header names are case-insensitive; the tags' order and early-only do not matter.
    const reordered =
      '<sip:agent2@helpline.test?replaces=abc%3Bfrom-tag%3D2%3Bearly-only%3Bto-tag%3D1>';
    expect(readReferTarget(refer(reordered), DOMAIN)).toEqual({
      user: 'agent2',
      replaces: 'abc;to-tag=1;from-tag=2',
    });
  });

  it('refuses a Replaces that names no whole dialog, or could smuggle a header (400)', () => {
    for (const value of [
      'abc%3Bto-tag%3D1',
      'abc%3Bfrom-tag%3D2',
      '%3Bto-tag%3D1%3Bfrom-tag%3D2',
      'abc%3Bto-tag%3D1%3Bfrom-tag%3D2%0D%0AVia%3A%20x',
      'a%20b%3Bto-tag%3D1%3Bfrom-tag%3D2',
      'abc%3Bto-tag%3D%3Bfrom-tag%3D2',
      'abc%3Bto-tag%3D1%3Bfrom-tag%3D2%zz',
      `${'a'.repeat(300)}%3Bto-tag%3D1%3Bfrom-tag%3D2`,
    ]) {
      expect(
        readReferTarget(refer(`<sip:agent2@helpline.test?Replaces=${value}>`), DOMAIN),
        value,
      ).toMatchObject({ refusal: { status: 400 } });
    }
  });

  it('does not implement other URI headers or methods (501)', () => {
    expect(readReferTarget(refer('<sip:agent2@helpline.test?Subject=hi>'), DOMAIN)).toMatchObject({
      refusal: { status: 501 },
    });
    const two = '<sip:agent2@helpline.test?Replaces=abc%3Bto-tag%3D1%3Bfrom-tag%3D2&Subject=hi>';
    expect(readReferTarget(refer(two), DOMAIN)).toMatchObject({ refusal: { status: 501 } });
    expect(readReferTarget(refer('<sip:agent2@helpline.test;method=BYE>'), DOMAIN)).toMatchObject({
      refusal: { status: 501 },
    });
  });

  it('refuses anything but sip:<plain user>@<our domain> (403)', () => {
    for (const target of [
      '<sip:agent2@elsewhere.example>',
      '<sip:agent2@helpline.test:5060>',
      '<sip:agent2@127.0.0.1>',
      '<sips:agent2@helpline.test>',
      '<tel:+15550100>',
      '<https://helpline.test/agent2>',
      '<sip:helpline.test>',
      '<sip:agent%32@helpline.test>',
      '<sip:agent2:secret@helpline.test>',
      '<sip:agent 2@helpline.test>',
      '<sip:%0d%0aVia:x@helpline.test>',
      `<sip:${'a'.repeat(65)}@helpline.test>`,
      '<>',
      '"no uri"',
    ]) {
      expect(readReferTarget(refer(target), DOMAIN), target).toMatchObject({
        refusal: { status: 403 },
      });
    }
  });
});

describe('ReferSubscription', () => {
  interface Sent {
    headers: SipHeader[];
    body: string;
    answer(status: number): void;
  }

  function subscription(): { sub: ReferSubscription; sent: Sent[] } {
    const sent: Sent[] = [];
    const sub = new ReferSubscription(7, 60, (headers, body, onResponse) => {
      const request: SipRequest = {
        kind: 'request',
        method: 'NOTIFY',
        uri: 'sip:agent@127.0.0.1',
        headers: [
          { name: 'via', value: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1' },
          { name: 'cseq', value: '2 NOTIFY' },
        ],
        body,
      };
      sent.push({
        headers,
        body: body.toString(),
        answer: (status) => onResponse(buildResponse(request, status)),
      });
    });
    return { sub, sent };
  }

  const header = (sent: Sent, name: string) => sent.headers.find((h) => h.name === name)?.value;

  it('sends progress, then the final status, one NOTIFY at a time', () => {
    const { sub, sent } = subscription();
    sub.progress(100, 'Trying');
    expect(sent).toHaveLength(1);
    expect(header(sent[0]!, 'event')).toBe('refer;id=7');
    expect(header(sent[0]!, 'subscription-state')).toBe('active;expires=60');
    expect(header(sent[0]!, 'content-type')).toBe('message/sipfrag;version=2.0');
    expect(sent[0]!.body).toBe('SIP/2.0 100 Trying\r\n');
    // The final waits for the answer to the first, and is the last whatever comes after.
    sub.finish(486, 'Busy Here');
    sub.progress(180, 'Ringing');
    expect(sent).toHaveLength(1);
    sent[0]!.answer(200);
    expect(sent).toHaveLength(2);
    expect(header(sent[1]!, 'subscription-state')).toBe('terminated;reason=noresource');
    expect(sent[1]!.body).toBe('SIP/2.0 486 Busy Here\r\n');
    sent[1]!.answer(200);
    sub.finish(200, 'OK');
    expect(sent).toHaveLength(2);
  });

  it('keeps only the newest waiting state', () => {
    const { sub, sent } = subscription();
    sub.progress(100, 'Trying');
    sub.progress(180, 'Ringing');
    sub.finish(200, 'OK');
    sent[0]!.answer(200);
    expect(sent.map((s) => s.body)).toEqual(['SIP/2.0 100 Trying\r\n', 'SIP/2.0 200 OK\r\n']);
  });

  it('gives a status without a reason phrase its usual one', () => {
    const { sub, sent } = subscription();
    sub.finish(486, '');
    expect(sent[0]!.body).toBe('SIP/2.0 486 Busy Here\r\n');
  });

  it('stops notifying once a NOTIFY fails (481: the referrer is gone)', () => {
    const { sub, sent } = subscription();
    sub.progress(100, 'Trying');
    sub.finish(200, 'OK');
    sent[0]!.answer(481);
    expect(sent).toHaveLength(1);
  });
});
