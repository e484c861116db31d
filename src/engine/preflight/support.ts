/** Whether this browser has what a call needs, checked without using any of it. */
import type { BrowserFeature, BrowserSupport } from './types';

/** The globals the check reads; `globalThis` in a page, a plain object in tests. */
export interface SupportScope {
  isSecureContext?: boolean;
  RTCPeerConnection?: unknown;
  navigator?: { mediaDevices?: { getUserMedia?: unknown } };
  WebSocket?: unknown;
  AudioContext?: unknown;
}

const CHECKS: readonly [BrowserFeature, (scope: SupportScope) => boolean][] = [
  ['secure-context', (scope) => scope.isSecureContext === true],
  ['webrtc', (scope) => typeof scope.RTCPeerConnection === 'function'],
  ['microphone-api', (scope) => typeof scope.navigator?.mediaDevices?.getUserMedia === 'function'],
  ['websocket', (scope) => typeof scope.WebSocket === 'function'],
  ['web-audio', (scope) => typeof scope.AudioContext === 'function'],
];

export function checkBrowserSupport(scope: SupportScope = globalThis): BrowserSupport {
  const missing = CHECKS.filter(([, has]) => !has(scope)).map(([feature]) => feature);
  return { supported: missing.length === 0, missing };
}
