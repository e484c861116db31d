/**
 * What the tabs sharing one phone say to each other on their `BroadcastChannel`
 * (https://html.spec.whatwg.org/multipage/web-messaging.html#broadcasting-to-other-browsing-contexts):
 * the owner tab publishes the phone as plain data (a snapshot with every event), the others
 * send it commands. Everything here is structured-clone safe: no handles, no functions.
 */
import type {
  Availability,
  CallDirection,
  CallEventMap,
  CallReport,
  CallState,
  DevicesState,
  EndCause,
  HoldState,
  PhoneError,
  PhoneEventMap,
  QualitySample,
  QualityWarningName,
  RegistrationState,
  RemoteIdentity,
} from '../types';

/** A call as data: what a `CallHandle` exposes, without its peer connection. */
export interface CallSnapshot {
  id: string;
  direction: CallDirection;
  state: CallState;
  hold: HoldState;
  muted: boolean;
  remote: RemoteIdentity;
  createdAt: number;
  answeredAt: number | undefined;
  endCause: EndCause | undefined;
  reconnecting: boolean;
  context: Readonly<Record<string, string>> | undefined;
  participants: readonly string[];
  quality: {
    sample: QualitySample | null;
    warnings: readonly QualityWarningName[];
    farEndWarnings: readonly QualityWarningName[];
    report: CallReport | null;
  };
}

/** The owner's phone as data, with its live calls oldest first. */
export interface PhoneSnapshot {
  state: RegistrationState;
  lastError: PhoneError | undefined;
  region: string | undefined;
  role: 'supervisor' | undefined;
  availability: Availability;
  wrapUpEndsAt: number | undefined;
  /** The owner's audio devices: its calls' microphone, its sounds' outputs. */
  devices: DevicesState;
  calls: CallSnapshot[];
}

export type PhoneEventName = keyof PhoneEventMap;
export type CallEventName = keyof CallEventMap;

/** The methods of a phone a follower may call through the owner. */
export type PhoneCommand =
  | 'call'
  | 'listen'
  | 'prepare'
  | 'refreshCredentials'
  | 'unlockAudio'
  | 'setAvailability'
  | 'setDevices'
  | 'allowDeviceLabels'
  | 'playTestSound';

/** The methods of a call a follower may call through the owner. */
export type CallCommand =
  | 'answer'
  | 'reject'
  | 'hangup'
  | 'setMuted'
  | 'setHold'
  | 'sendDtmf'
  | 'transfer'
  | 'addParticipant'
  | 'removeParticipant';

/** What the owner publishes. */
export type OwnerMessage =
  | { kind: 'snapshot'; phone: PhoneSnapshot }
  | {
      kind: 'phone-event';
      event: PhoneEventName;
      /** The payload, a call handle replaced by `{ callId }`. */
      payload: unknown;
      phone: PhoneSnapshot;
      /** The command that made the call this `call` event is about. */
      origin?: string;
    }
  | {
      kind: 'call-event';
      event: CallEventName;
      callId: string;
      payload: unknown;
      phone: PhoneSnapshot;
    }
  | { kind: 'reply'; request: string; ok: true; value: unknown }
  | { kind: 'reply'; request: string; ok: false; message: string };

/** What a follower sends. */
export type FollowerMessage =
  | { kind: 'hello' }
  | { kind: 'command'; request: string; method: PhoneCommand; args: unknown[] }
  | { kind: 'command'; request: string; method: CallCommand; callId: string; args: unknown[] };

export type CommandMessage = Extract<FollowerMessage, { kind: 'command' }>;

/**
 * A payload as plain data: an error's `cause` (a JsSIP message, an exception) may not be
 * cloneable and means nothing in another tab, so it stays behind. (An end's `cause` is
 * its reason, kept: only a `PhoneError`, which has a `code`, loses its `cause`.)
 */
export function plainData<T>(value: T): T {
  if (value === undefined) return value;
  return JSON.parse(
    JSON.stringify(value, function (this: object, key, inner: unknown) {
      return key === 'cause' && 'code' in this ? undefined : inner;
    }),
  ) as T;
}

/** Is `data` one of ours, as far as its kind goes? (Other scripts of the origin may post.) */
export function isOwnerMessage(data: unknown): data is OwnerMessage {
  const kind = (data as { kind?: unknown } | null)?.kind;
  return kind === 'snapshot' || kind === 'phone-event' || kind === 'call-event' || kind === 'reply';
}

export function isFollowerMessage(data: unknown): data is FollowerMessage {
  const message = data as { kind?: unknown; request?: unknown; args?: unknown } | null;
  if (message?.kind === 'hello') return true;
  return (
    message?.kind === 'command' &&
    typeof message.request === 'string' &&
    Array.isArray(message.args)
  );
}
