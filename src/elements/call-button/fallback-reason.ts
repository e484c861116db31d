/**
 * Which failures mean "this call cannot happen from here", so the button offers the
 * page's fallbacks (fallback-config.ts) instead of only an error: the engine's errors and
 * end causes (src/engine/types.ts, src/engine/causes.ts) mapped to a
 * {@link FallbackReason}. Other failures (busy, no answer, a wrong configuration) are not
 * the visitor's dead end, and keep their usual alert.
 */
import type { FallbackReason } from '../../engine/callback-request.js';
import { checkBrowserSupport, type SupportScope } from '../../engine/preflight/support.js';
import type { ErrorCode } from '../../engine/types.js';
import type { PhoneView } from '../shared/view-state.js';

const BY_ERROR: Partial<Record<ErrorCode, FallbackReason>> = {
  'microphone-denied': 'microphone-denied',
  'microphone-missing': 'microphone-missing',
  // The credentials URL did not answer, or no SBC did.
  'credentials-failed': 'service-unreachable',
  'connection-failed': 'service-unreachable',
};

/** The reason to offer a fallback in what the element shows, if there is one. */
export function fallbackReasonOf(view: PhoneView): FallbackReason | undefined {
  const code = view.error?.code;
  const byError = code === undefined ? undefined : BY_ERROR[code];
  if (byError) return byError;
  return view.call?.endCause === 'media-failed' ? 'media-failed' : undefined;
}

/**
 * Whether this browser can place a call at all: RTCPeerConnection and getUserMedia (which
 * browsers also hide from pages that are not https), as the self-check names them.
 */
export function canPlaceCalls(scope: SupportScope): boolean {
  const { missing } = checkBrowserSupport(scope);
  return !missing.includes('webrtc') && !missing.includes('microphone-api');
}
