/**
 * The call-back request (`<sip-call-button callback-url>`): when a call cannot happen, the
 * visitor leaves a number and the widget POSTs this JSON to the page's `callback-url`.
 * One module for both ends: the widget sends a {@link CallbackRequest}, the lab's receiver (backend/credentials/server.ts, `POST /callback`) checks it with
 * {@link checkCallbackRequest}. The contract is in README.md (Fallbacks).
 */
import { type CallerContext, encodeCallerContext } from './caller-context';
import { parsePhoneNumber } from './phone-number';

/** Why the call could not happen, as the request names it (and the button explains it). */
export const FALLBACK_REASONS = [
  /** The visitor (or the browser's settings) refused the microphone. */
  'microphone-denied',
  /** No microphone, or it is in use elsewhere. */
  'microphone-missing',
  /** The browser has no WebRTC (RTCPeerConnection, getUserMedia). */
  'webrtc-unsupported',
  /** The call's audio could not connect (ICE failed: a network that blocks it). */
  'media-failed',
  /** The phone service could not be reached (the credentials URL or the SBC). */
  'service-unreachable',
] as const;

export type FallbackReason = (typeof FALLBACK_REASONS)[number];

export interface CallbackRequest {
  /** The visitor's number, canonical (`+34600123456`). */
  number: string;
  /** The button's `target`: what the visitor wanted to call. */
  target: string;
  reason: FallbackReason;
  /** The button's caller context, when it has one. */
  context?: CallerContext;
}

/** A `target` as the SBC accepts it for visitors: a service number or user name. */
const TARGET = /^[A-Za-z0-9_.+-]{1,64}$/;
const KEYS: ReadonlySet<string> = new Set(['number', 'target', 'reason', 'context']);

export function isFallbackReason(value: unknown): value is FallbackReason {
  return (FALLBACK_REASONS as readonly unknown[]).includes(value);
}

export type CallbackCheck = { ok: true; request: CallbackRequest } | { ok: false; message: string };

/** Checks a received body (parsed JSON): every field by the rules, nothing else in it. */
export function checkCallbackRequest(body: unknown): CallbackCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, message: 'expected a JSON object {number, target, reason, context?}' };
  }
  const fields = body as Record<string, unknown>;
  const unknownKey = Object.keys(fields).find((key) => !KEYS.has(key));
  if (unknownKey !== undefined) {
    return { ok: false, message: `unknown field '${unknownKey.slice(0, 40)}'` };
  }
  const number = parsePhoneNumber(fields.number);
  if (!number.ok) return { ok: false, message: 'number must be +, the country code and number' };
  if (typeof fields.target !== 'string' || !TARGET.test(fields.target)) {
    return { ok: false, message: 'target must be a service number or user name' };
  }
  if (!isFallbackReason(fields.reason)) {
    return { ok: false, message: `reason must be one of ${FALLBACK_REASONS.join(', ')}` };
  }
  const request: CallbackRequest = {
    number: number.number,
    target: fields.target,
    reason: fields.reason,
  };
  if (fields.context !== undefined) {
    const context = encodeCallerContext(fields.context);
    if (!context.ok) return { ok: false, message: context.message };
    request.context = fields.context as CallerContext;
  }
  return { ok: true, request };
}
