import type {
  CallDirection,
  CallHandle,
  CallState,
  EndCause,
  HoldState,
  ParticipantEvent,
  PhoneError,
  QualitySample,
  QualityWarningName,
  RegistrationState,
  TransferEvent,
} from '../../engine/types.js';

/** What an element shows about one call: plain data, copied from the engine's handle. */
export interface CallView {
  /** The engine's id of the call (`CallHandle.id`): what commands on it name. */
  id: string;
  direction: CallDirection;
  state: CallState;
  hold: HoldState;
  muted: boolean;
  /** Untrusted text from the network: render as text only. */
  remoteName: string;
  remoteUser: string;
  /** The last step of a transfer of this call (`trying`, `failed`), if one was asked. */
  transfer: TransferEvent | undefined;
  /** The caller's context from the caller's page: untrusted text, render as text only. */
  context: Readonly<Record<string, string>> | undefined;
  /** The parties added to the call (3-way call), and the last step of adding or dropping one. */
  participants: readonly string[];
  participantStep: ParticipantEvent | undefined;
  answeredAt: number | undefined;
  endCause: EndCause | undefined;
  /** Latest stats sample (null until the first one, a second after answer). */
  quality: QualitySample | null;
  /** Quality warnings up now. */
  warnings: readonly QualityWarningName[];
  /** The far end's own warnings, as its phone reports them (the caller's line, for an agent). */
  farEndWarnings: readonly QualityWarningName[];
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
  /**
   * The call on screen (the one the call controls act on), including an ended call while
   * its cause is shown. With several calls: the one with the line (see `focusedCall`).
   */
  call: CallView | undefined;
  /** The phone's other calls (ringing as call waiting, or held), oldest first. */
  otherCalls: readonly CallView[];
}

export const INITIAL_VIEW: PhoneView = {
  registration: 'unregistered',
  error: undefined,
  autoplayBlocked: false,
  placing: false,
  call: undefined,
  otherCalls: [],
};

/**
 * @param transfer the last step of the call's transfer, which the controller keeps
 * @param recentlyRecovered the call's connection came back a moment ago (the controller
 * keeps that news on screen for a while; the handle only knows whether it waits now)
 */
export function callViewOf(
  call: CallHandle,
  recentlyRecovered = false,
  transfer?: TransferEvent,
  participantStep?: ParticipantEvent,
): CallView {
  return {
    id: call.id,
    direction: call.direction,
    state: call.state,
    hold: call.hold,
    muted: call.muted,
    remoteName: call.remote.displayName,
    remoteUser: call.remote.user,
    context: call.context,
    transfer,
    participants: call.participants,
    participantStep,
    answeredAt: call.answeredAt,
    endCause: call.endCause,
    quality: call.quality.sample,
    warnings: call.quality.warnings,
    farEndWarnings: call.quality.farEndWarnings,
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

/** Did we hold the call (it is answered and another call may have the line)? */
export function isHeldByUs(call: CallView | CallHandle): boolean {
  return call.hold === 'local' || call.hold === 'both';
}

/**
 * Of the phone's live calls, the one on screen with the call controls: a call being
 * placed; else the answered call that has the line; else a lone call ringing here; else
 * the newest answered call (all held); else the first of calls ringing here at once.
 * The others show as call waiting or held (`PhoneView.otherCalls`).
 */
export function focusedCall<C extends CallView | CallHandle>(calls: readonly C[]): C | undefined {
  const newest = [...calls].reverse();
  const answered = (call: C) => call.state === 'active' || call.state === 'on-hold';
  const ringingHere = (call: C) => call.direction === 'incoming' && call.state === 'ringing';
  return (
    newest.find(
      (call) => call.direction === 'outgoing' && !answered(call) && call.state !== 'ended',
    ) ??
    newest.find((call) => answered(call) && !isHeldByUs(call)) ??
    (calls.length === 1 && ringingHere(calls[0] as C) ? calls[0] : undefined) ??
    newest.find(answered) ??
    calls.find(ringingHere)
  );
}

/** How a call is named on screen: its display name, else its user. */
export function remoteLabel(call: CallView): string {
  return call.remoteName.trim() || call.remoteUser;
}
