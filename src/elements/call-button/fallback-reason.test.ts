import { describe, expect, it } from 'vitest';
import type { EndCause, ErrorCode } from '../../engine/types.js';
import { type CallView, INITIAL_VIEW, type PhoneView } from '../shared/view-state.js';
import { fallbackConfigFrom } from './fallback-config.js';
import { canPlaceCalls, fallbackReasonOf } from './fallback-reason.js';

function viewWith(code?: ErrorCode, endCause?: EndCause): PhoneView {
  const call = endCause ? ({ state: 'ended', endCause } as CallView) : undefined;
  return {
    ...INITIAL_VIEW,
    error: code ? { code, message: 'detail for developers' } : undefined,
    call,
  };
}

describe('fallbackReasonOf: which failures offer the fallbacks', () => {
  it.each([
    ['microphone-denied', undefined, 'microphone-denied'],
    ['microphone-missing', undefined, 'microphone-missing'],
    ['credentials-failed', undefined, 'service-unreachable'],
    ['connection-failed', undefined, 'service-unreachable'],
    ['microphone-denied', 'microphone', 'microphone-denied'],
    ['connection-failed', 'connection-lost', 'service-unreachable'],
    [undefined, 'media-failed', 'media-failed'],
  ] as const)('error %s, call ended %s → %s', (code, cause, reason) => {
    expect(fallbackReasonOf(viewWith(code, cause))).toBe(reason);
  });

  it.each([
    ['config-invalid', undefined],
    ['auth-rejected', undefined],
    ['call-failed', 'failed'],
    [undefined, 'busy'],
    [undefined, 'no-answer'],
    [undefined, 'hangup-remote'],
    [undefined, undefined],
  ] as const)('not for error %s, call ended %s', (code, cause) => {
    expect(fallbackReasonOf(viewWith(code, cause))).toBeUndefined();
  });
});

describe('canPlaceCalls', () => {
  const getUserMedia = () => Promise.resolve();
  class Pc {}

  it('needs RTCPeerConnection and getUserMedia', () => {
    expect(
      canPlaceCalls({ RTCPeerConnection: Pc, navigator: { mediaDevices: { getUserMedia } } }),
    ).toBe(true);
    expect(canPlaceCalls({ navigator: { mediaDevices: { getUserMedia } } })).toBe(false);
    // An http:// page: browsers hide mediaDevices.
    expect(canPlaceCalls({ RTCPeerConnection: Pc, navigator: {} })).toBe(false);
    expect(canPlaceCalls({ RTCPeerConnection: Pc })).toBe(false);
  });

  it('is true in the test browser', () => {
    expect(canPlaceCalls(globalThis)).toBe(true);
  });
});

describe('fallbackConfigFrom: fallback-tel, callback-url and preflight-url', () => {
  it('keeps the number as written to show it, canonical for the link', () => {
    expect(
      fallbackConfigFrom({ fallbackTel: ' +34 900-123 456 ', callbackUrl: undefined }),
    ).toEqual({
      ok: true,
      config: { tel: { shown: '+34 900-123 456', number: '+34900123456' }, callbackUrl: undefined },
    });
  });

  it('resolves callback-url against the page; https, or http for localhost only', () => {
    const https = fallbackConfigFrom({
      fallbackTel: undefined,
      callbackUrl: 'https://shop.example/cb',
    });
    expect(https).toEqual({
      ok: true,
      config: { tel: undefined, callbackUrl: 'https://shop.example/cb' },
    });
    // preflight-url too, and a path on the page's own site is resolved against it.
    expect(
      fallbackConfigFrom({ fallbackTel: undefined, callbackUrl: undefined, preflightUrl: '/check' })
        .ok,
    ).toBe(true);
    const local = fallbackConfigFrom({
      fallbackTel: '',
      callbackUrl: 'http://127.0.0.1:8444/callback',
    });
    expect(local.ok).toBe(true);
  });

  it.each([
    [{ fallbackTel: '900 123 456' }, /^fallback-tel: a phone number must start with \+/],
    [{ fallbackTel: 'call us' }, /^fallback-tel: /],
    [
      { callbackUrl: 'http://shop.example/cb' },
      /callback-url must use https:\/\/ \(http:\/\/ only for localhost\)/,
    ],
    [{ callbackUrl: 'javascript:alert(1)' }, /callback-url must be an https:\/\/ URL/],
    [{ preflightUrl: 'javascript:alert(1)' }, /preflight-url must be an https:\/\/ URL/],
    [{ preflightUrl: 'http://shop.example/check' }, /preflight-url must use https:\/\//],
  ])('refuses %o with what is wrong', (attributes, message) => {
    const result = fallbackConfigFrom({
      fallbackTel: undefined,
      callbackUrl: undefined,
      ...attributes,
    });
    expect(result.ok).toBe(false);
    expect(result.ok || result.message).toMatch(message);
  });
});
