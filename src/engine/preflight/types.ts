/**
 * Public types of the self-check (`phone.preflight()`): what it measured and its verdict.
 * Values the browser did not provide are `null`, so the result survives JSON as it is
 * (a visitor can hand it to support).
 */

import type { EndCause, ErrorCode } from '../outcomes';
import type { CodecInfo, MediaPath } from '../quality/types';

/** A browser feature a call needs. */
export type BrowserFeature =
  /** https (or localhost): browsers give the microphone only to secure pages. */
  | 'secure-context'
  /** `RTCPeerConnection`. */
  | 'webrtc'
  /** `navigator.mediaDevices.getUserMedia`. */
  | 'microphone-api'
  | 'websocket'
  /** `AudioContext`, for the microphone meter. */
  | 'web-audio';

export interface BrowserSupport {
  supported: boolean;
  /** What is missing, in {@link BrowserFeature} order; empty when supported. */
  missing: BrowserFeature[];
}

/** The self-check's verdict in one word: a call works well, works, works poorly, or cannot happen. */
export type PreflightVerdict = 'good' | 'fair' | 'poor' | 'failed';

/** One thing found wrong, in the order the checks ran. */
export type PreflightProblem =
  | 'browser-unsupported'
  | 'microphone-denied'
  | 'microphone-missing'
  /** The microphone sends silence (a muted headset, the wrong device). */
  | 'microphone-silent'
  /** The test call did not connect (see `call.endCause` and `call.error`). */
  | 'call-failed'
  /** The test call connected but no audio came back. */
  | 'no-media'
  | 'high-rtt'
  | 'high-jitter'
  | 'high-loss'
  | 'low-mos';

/** Which self-check step runs (`onStep`). */
export type PreflightStep = 'browser' | 'microphone' | 'call';

export interface PreflightMicrophone {
  /** The page's microphone permission before the check; `unknown` where it cannot be asked. */
  permission: PermissionState | 'unknown';
  /**
   * Loudest level measured during the check (RMS, 0–1); null when not measured long enough
   * to tell (a check that stopped early).
   */
  peakLevel: number | null;
  /** Why the microphone could not be used; null when it could. */
  error: ErrorCode | null;
}

/**
 * The test call to the echo service and what its media measured: averages over the call
 * once settled (its first two seconds left out), or over all of it when it ended sooner.
 */
export interface PreflightCall {
  target: string;
  /** It was answered. */
  connected: boolean;
  /** How it ended; `hangup-local` when the check ended it after measuring. */
  endCause: EndCause | null;
  /** The phone's error, when it failed before or during the call (e.g. `connection-failed`). */
  error: ErrorCode | null;
  /** Created → answered, ms. */
  setupMs: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  lossFraction: number | null;
  /** What we heard back (inbound), 1–4.5. */
  mos: number | null;
  /** What the far end heard, estimated from its receiver reports. */
  mosOutbound: number | null;
  /** The media path: `path.localType` is `host`, `srflx` or `relay` (TURN). */
  path: MediaPath | null;
  codec: CodecInfo | null;
  /** The WebSocket server and its region. */
  server: string | null;
  region: string | null;
}

/** What `phone.preflight()` resolves with; never rejects. */
export interface PreflightResult {
  /** Version of this JSON; raised on any incompatible change. */
  schemaVersion: 1;
  /** `Date.now()` values. */
  startedAt: number;
  endedAt: number;
  verdict: PreflightVerdict;
  problems: PreflightProblem[];
  browser: BrowserSupport;
  microphone: PreflightMicrophone;
  /** Null when the check stopped before calling (unsupported browser, no microphone). */
  call: PreflightCall | null;
}

export interface PreflightOptions {
  /** Who to call: a service that sends our audio back. Default `echo`. */
  target?: string;
  /**
   * How long to measure once the call is answered and has settled (its first 2 s are left
   * out), ms. Default 6000 (at least 2000).
   */
  durationMs?: number;
  /** Give up on a call not answered by then, ms. Default 20000. */
  answerTimeoutMs?: number;
  /** Ends the check early: the call is hung up and the result says what was measured. */
  signal?: AbortSignal;
  /** Each step as it starts. */
  onStep?: (step: PreflightStep) => void;
  /** The microphone's level (0–1) about ten times a second, for a live meter. */
  onMicrophoneLevel?: (level: number) => void;
}
