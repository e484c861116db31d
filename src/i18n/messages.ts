import type {
  DeviceRole,
  EndCause,
  ErrorCode,
  HoldState,
  QualityLevel,
  QualityWarningName,
  RegistrationState,
} from '../engine/types.js';

/**
 * Every string the elements show. Each language must provide every key: the
 * `Record<…>` members make TypeScript reject a table that misses an engine state,
 * cause or error code.
 */
export interface Messages {
  registration: Record<RegistrationState, string>;
  endCause: Record<EndCause, string>;
  /** What went wrong, in one sentence for the caller (the engine's detail goes to the console). */
  errorCode: Record<ErrorCode, string>;
  /** What the caller can do about it, shown under {@link errorCode}. */
  errorAdvice: Record<ErrorCode, string>;
  /** The call status while held (it replaces "In call with …"); `none` is unused but kept total. */
  hold: Record<HoldState, string>;
  buttonState: Record<'idle' | 'connecting' | 'ringing' | 'in-call' | 'ended' | 'error', string>;
  phone: string;
  /** Shown in a tab that mirrors the phone of another tab (`single-tab`). */
  otherTab: string;
  callUs: string;
  /** The link to the page's self-check (`<sip-call-button preflight-url>`). */
  checkSetup: string;
  target: string;
  targetPlaceholder: string;
  call: string;
  dialpad: string;
  /** Accessible key label: the digit plus its letters, e.g. "2 ABC". */
  key: (key: string, letters: string) => string;
  keyStar: string;
  keyHash: string;
  incomingCall: string;
  /** The flashing tab title and the notification of a call ringing in a hidden tab. */
  incomingCallFrom: (who: string) => string;
  answer: string;
  decline: string;
  calling: (who: string) => string;
  ringing: string;
  earlyMedia: string;
  inCallWith: (who: string) => string;
  callDuration: string;
  mute: string;
  holdCall: string;
  resume: string;
  keypad: string;
  hangUp: string;
  callEnded: (cause: string) => string;
  /** While the connection under an answered call is away and the engine waits for it. */
  callReconnecting: string;
  /** Shown for a few seconds once the call is whole again. */
  callReconnected: string;
  /**
   * An answered call that could not be kept across a connection drop. A whole sentence,
   * not a {@link callEnded} cause: "Call ended: …" would bury what happened.
   */
  callLost: string;
  enableSound: string;
  /** Under the disabled Call button of `<sip-phone>` while it is not ready to call. */
  callWhenReady: string;
  callControls: string;
  /** `<sip-phone>`'s transfer: the button, the form's label and submit, and the status. */
  transfer: string;
  transferTo: string;
  transferCall: string;
  transferring: (who: string) => string;
  /** Calls the typed target first, holding the call: an attended transfer's consultation. */
  consult: string;
  /**
   * On a held call: transfer it to the party of the call on screen (`to`); the accessible
   * name starts with the visible text (WCAG 2.5.3).
   */
  completeTransfer: (to: string) => string;
  completeTransferCall: (who: string, to: string) => string;
  /**
   * `<sip-phone>`'s 3-way call: the Add button, the form's label and submit, the status
   * while the party rings, the list of parties, its Drop buttons (accessible name with the
   * party); supervisor listen-in: the form's label and its submit.
   */
  addToCall: string;
  addParty: string;
  addCall: string;
  adding: (who: string) => string;
  participants: string;
  drop: string;
  dropParty: (who: string) => string;
  listenTo: string;
  listenCall: string;
  /** The caller's context (what the caller's page sent), as a list of names and values. */
  callerDetails: string;
  /** `<sip-phone>` with several calls: the list of the calls not on screen. */
  otherCalls: string;
  /** Status of a call ringing during another. */
  callWaiting: string;
  /** Accessible names of an other call's buttons, with the caller's name. */
  answerCall: (who: string) => string;
  declineCall: (who: string) => string;
  /** Take a held call back (the call on screen is held meanwhile). */
  switchCall: string;
  switchToCall: (who: string) => string;
  hangUpCall: (who: string) => string;
  quality: {
    /** Accessible name of the indicator: "Call quality: good (MOS 4.3)". */
    label: (level: string, mos: string | undefined) => string;
    level: Record<QualityLevel, string>;
    /** Active warnings, in plain words for the caller. */
    warning: Record<QualityWarningName, string>;
    /** The far end's warnings, as its phone reports them (`<sip-phone>`, for agents). */
    farEnd: Record<QualityWarningName, string>;
    /** Title of the details popover. */
    details: string;
    rtt: string;
    jitter: string;
    loss: string;
    /** MOS of what we hear. */
    mos: string;
    /** MOS of what the other side hears (estimated from its receiver reports). */
    mosOutbound: string;
    codec: string;
    path: string;
    direct: (protocol: string) => string;
    relay: (protocol: string) => string;
    /** A figure not measured yet. */
    unavailable: string;
  };
  /** `<sip-phone>`'s availability for queue calls: the group, its choices, the wrap-up. */
  availability: {
    label: string;
    available: string;
    away: string;
    wrapUp: string;
    /** The wrap-up countdown, with the time left (`00:23`). */
    wrapUpLeft: (left: string) => string;
  };
  /** `<sip-phone>`'s device menu (render-devices.ts) and what it says when devices come and go. */
  devices: {
    /** The settings button and the panel's name. */
    menu: string;
    close: string;
    /** Each role's select label. */
    label: Record<DeviceRole, string>;
    /** The role in a sentence ("back to the default microphone"). */
    role: Record<DeviceRole, string>;
    /** Roles joined in a sentence ("speaker and ringer"). */
    and: string;
    systemDefault: string;
    /** A device whose name the browser does not tell yet: "Microphone 1", "Output 2". */
    unnamed: (kind: 'input' | 'output', index: number) => string;
    /** Beside the speaker and ringer selects where the browser has no `setSinkId`. */
    outputNotSupported: string;
    namesHidden: string;
    allowNames: string;
    level: string;
    playTestSound: string;
    /** Accessible name of a test button: which output it plays on. */
    playTestSoundOn: (role: string) => string;
    autoSwitch: string;
    connectedTaken: (device: string, roles: string) => string;
    connectedOffered: (device: string) => string;
    use: (device: string) => string;
    unplugged: (device: string, roles: string) => string;
  };
}

/** What `<sip-call-button>` shows at rest, before any intent (i18n/en-idle.ts). */
export type IdleMessages = Pick<
  Messages,
  'errorCode' | 'errorAdvice' | 'buttonState' | 'callUs' | 'checkSetup' | 'callControls'
>;
