import type {
  CallDirection,
  CallHandle,
  CallState,
  EndCause,
  HoldState,
  PhoneError,
  QualitySample,
  QualityWarningName,
  RegistrationState,
} from '../../engine/types.js';

/** What an element shows about one call: plain data, copied from the engine's handle. */
export interface CallView {
  direction: CallDirection;
  state: CallState;
  hold: HoldState;
  muted: boolean;
  /** Untrusted text from the network: render as text only. */
  remoteName: string;
  remoteUser: string;
  answeredAt: number | undefined;
  endCause: EndCause | undefined;
  /** Latest stats sample (null until the first one, a second after answer). */
  quality: QualitySample | null;
  /** Quality warnings up now. */
  warnings: readonly QualityWarningName[];
  /**
   * The connection under the answered call: `reconnecting` while the engine waits for it,
   * `recovered` for a few seconds once the call is whole again, else undefined.
   */
  connection: CallConnectionView;
}

export type CallConnectionView = 'reconnecting' | 'recovered' | undefined;

/**
 * Everything the elements render. The engine controller produces it from the engine's
 * state; tests set it directly to render a state without a server.
 */
export interface PhoneView {
  registration: RegistrationState;
  /** The error to show (invalid configuration first, else the latest engine error). */
  error: PhoneError | undefined;
  /** The browser blocked audio; a click in the element must unlock it. */
  autoplayBlocked: boolean;
  /** A call was requested and waits for the engine to load or connect. */
  placing: boolean;
  /** The call on screen, including an ended call while its cause is shown. */
  call: CallView | undefined;
}

export const INITIAL_VIEW: PhoneView = {
  registration: 'unregistered',
  error: undefined,
  autoplayBlocked: false,
  placing: false,
  call: undefined,
};

/**
 * @param recentlyRecovered the call's connection came back a moment ago (the controller
 * keeps that news on screen for a while; the handle only knows whether it waits now)
 */
export function callViewOf(call: CallHandle, recentlyRecovered = false): CallView {
  return {
    direction: call.direction,
    state: call.state,
    hold: call.hold,
    muted: call.muted,
    remoteName: call.remote.displayName,
    remoteUser: call.remote.user,
    answeredAt: call.answeredAt,
    endCause: call.endCause,
    quality: call.quality.sample,
    warnings: call.quality.warnings,
    connection: call.reconnecting ? 'reconnecting' : recentlyRecovered ? 'recovered' : undefined,
  };
}

/**
 * The phone can place calls: registered (agents), or connected without registering
 * (`register: false`, visitors).
 */
export function isReadyToCall(registration: RegistrationState): boolean {
  return registration === 'registered' || registration === 'connected';
}

/** Answered and not over: the call has a running timer and in-call controls. */
export function isInCall(call: CallView | undefined): boolean {
  return call?.state === 'active' || call?.state === 'on-hold';
}

/** How a call is named on screen: its display name, else its user. */
export function remoteLabel(call: CallView): string {
  return call.remoteName.trim() || call.remoteUser;
}
