/**
 * Public types of the softphone engine: the contract between the engine (protocol,
 * no DOM rendering) and anything that shows it (the Lit elements, or a host
 * application using the engine headless).
 */

import type { DeviceNotice, DeviceSelection, DevicesState } from './devices';
import type { LogHook, LogLevel } from './log';
import type { EndCause, ErrorCode } from './outcomes';
import type { PreflightOptions, PreflightResult } from './preflight/types';
import type {
  CallQuality,
  CallReport,
  QualitySample,
  QualityThresholds,
  QualityWarningChange,
  QualityWarningName,
} from './quality/types';

export type {
  AudioDevice,
  DeviceNotice,
  DeviceRole,
  DeviceSelection,
  DevicesState,
} from './devices';
export type { LogContext, LogHook, LogLevel, LogMessageLevel } from './log';
export type { EndCause, ErrorCode } from './outcomes';
export type * from './preflight/types';
export type * from './quality/types';

/** Registration / connection state of a {@link Phone}. */
export type RegistrationState =
  /** Not connected, nothing attempted yet (or stopped on purpose). */
  | 'unregistered'
  /** WebSocket connecting (first attempt). */
  | 'connecting'
  /**
   * Connected to the server and ready to call, without a registration (`register: false`,
   * visitors): no REGISTER was sent, so no call can reach the phone. A phone that registers
   * goes through `registering` instead (it is `connected` only between `prepare()` and
   * `start()`).
   */
  | 'connected'
  /** Connected; REGISTER sent, waiting for 200. */
  | 'registering'
  /** Registered (`register: true`, agents): ready to call and to receive calls. */
  | 'registered'
  /** Lost the connection or the registration; retrying with backoff. */
  | 'reconnecting'
  /** Gave up: rejected credentials, invalid config, … (see the error). */
  | 'failed';

/** How DTMF digits are sent. */
export type DtmfMode =
  /** RFC 4733 through RTCDTMFSender, falling back to SIP INFO when it cannot insert. */
  | 'auto'
  /** RFC 4733 only. */
  | 'rfc4733'
  /** SIP INFO (application/dtmf-relay) only. */
  | 'info';

/**
 * A key of a telephone keypad, each one DTMF tone. `call.sendDtmf` also takes A–D, which
 * keypads lack.
 */
export type DtmfKey = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '0' | '#';

/** Engine configuration. Attributes of the elements map onto these fields. */
export interface PhoneConfig {
  /** WebSocket URLs (`wss://…`), tried in order; the next one on failure. */
  servers: string[];
  /** SIP domain, e.g. `helpline.example`. */
  domain: string;
  /** Where to fetch ephemeral credentials (`{ username, password, expires }`). */
  credentialsUrl?: string;
  /** Static SIP user (development). Ignored when `credentialsUrl` is set. */
  user?: string;
  /** Static SIP password (development; warns on non-localhost pages). */
  password?: string;
  /** Display name sent in From. */
  displayName?: string;
  /** Register to receive calls (agent). Visitors only place calls: false. Default true. */
  register?: boolean;
  /** Default `'auto'`. */
  dtmfMode?: DtmfMode;
  /** Tone duration for RFC 4733 digits, ms. Default 100. */
  dtmfDurationMs?: number;
  /** Gap between digits, ms. Default 70. A `,` in a sequence pauses 2 s (like a dialer). */
  dtmfGapMs?: number;
  /** STUN/TURN servers. Default none (the SBC anchors media). */
  iceServers?: RTCIceServer[];
  /**
   * Longest the SDP waits for ICE candidates, ms. Default 500. It normally leaves 5 ms after
   * the first host candidate: STUN/TURN candidates reach the SBC without it (src/engine/ice.ts).
   */
  iceGatheringTimeoutMs?: number;
  /** Audio played when the far end holds us without media. `null` turns it off. */
  holdMusicUrl?: string | null;
  /** Incoming-call ring. `null` turns it off. */
  ringtoneUrl?: string | null;
  /** Ringback for outgoing calls without early media. `null` turns it off. */
  ringbackUrl?: string | null;
  /**
   * The short tone played instead of the ringtone when a call comes in during another
   * (call waiting). `null` turns it off.
   */
  callWaitingUrl?: string | null;
  /** The device menu's speaker test sound (default `speaker-test.wav` under `soundsBase`). */
  speakerTestUrl?: string | null;
  /**
   * A microphone or output plugged in during the session is taken at once (the agent is
   * told, and can choose another). Default true; the agent's own choice in the device
   * menu is remembered over this.
   */
  autoSwitchDevices?: boolean;
  /**
   * How many calls the phone handles at once, 1 to 4. Default 1: a call arriving during
   * another is refused as busy (486). Above 1, it rings as call waiting; answering it,
   * placing a call or resuming a held one holds the others first.
   */
  maxCalls?: number;
  /** Registration expiry requested, seconds. Default 300. */
  registerExpires?: number;
  /**
   * Availability for queue calls when the phone registers (`available` or `away`).
   * Default `available`. See {@link Availability}.
   */
  availability?: Availability;
  /**
   * Seconds in `wrap-up` after an answered call ends, before the phone is `available`
   * again (unless the agent chose `away`), 0 to 3600. Default 0: no wrap-up.
   */
  wrapUpSeconds?: number;
  /**
   * Base URL of the default sounds (`ringtone.wav`, `ringback.wav`, `hold-music.wav`,
   * `call-waiting.wav`),
   * used for each sound URL that is not set explicitly. Default `'/sounds/'`.
   */
  soundsBase?: string;
  /** How often call quality is sampled from `getStats()`, ms. Default 1000. */
  statsIntervalMs?: number;
  /** Warning thresholds; the ones left out keep their defaults (see `QualityThresholds`). */
  qualityThresholds?: Partial<QualityThresholds>;
  /** Where to POST each end-of-call report (JSON, `navigator.sendBeacon`). Default none. */
  statsUrl?: string;
  /**
   * Ping the server (SIP OPTIONS) after this long without inbound data, ms; a connection
   * that answers nothing within `keepaliveTimeoutMs` is dropped and reconnected. 0 turns
   * it off. Default 10000.
   */
  keepaliveIntervalMs?: number;
  /** Default 3000. */
  keepaliveTimeoutMs?: number;
  /**
   * How long a call in progress waits for the connection to come back before it ends with
   * `connection-lost`, ms. Default 10000.
   */
  callRecoveryTimeoutMs?: number;
  /**
   * Ask before the page closes or reloads while a call is answered or being placed (the
   * browser's own "Leave site?" dialog, `beforeunload`). Default true.
   */
  confirmPageExit?: boolean;
  /** How much is logged: `silent`, `error`, `warn` (default), `info` or `debug` (with JsSIP's trace). */
  logLevel?: LogLevel;
  /** Receives each message at or above `logLevel`, redacted, instead of the console. */
  logger?: LogHook;
  /**
   * One registration for all the tabs of this origin and user (`TabPhone`): one tab owns
   * the phone, the others mirror it and act through it. Default false.
   */
  singleTab?: boolean;
}

/** The connection's recovery, as the `connection` event tells it. */
export type ConnectionState =
  /** The connection dropped (or was found dead); reconnecting with backoff. */
  | 'reconnecting'
  /** Connected (and registered, for agents) again after a drop. */
  | 'recovered'
  /** Gave up: the phone is `failed` (see the error). */
  | 'failed';

export interface ConnectionEvent {
  state: ConnectionState;
  /** The region that serves the connection now (`X-Region`), when the server tells. */
  region?: string;
  /** The region that served it before the drop. */
  previousRegion?: string;
  /** `recovered`: from the drop to ready again, ms. */
  downtimeMs?: number;
  error?: PhoneError;
}

/** What happened to a call while the connection was away. */
export interface CallConnectionEvent {
  state: ConnectionState;
  /**
   * `recovered`: `media-kept` when audio never depended on the lost connection (it kept
   * flowing), `ice-restart` when a re-INVITE with an ICE restart moved the media.
   */
  how?: 'media-kept' | 'ice-restart';
  region?: string;
  /** `recovered`: from the drop until the call was whole again, ms. */
  recoveryMs?: number;
}

/** Every error the engine reports is one of these values, never a thrown exception. */
export interface PhoneError {
  code: ErrorCode;
  message: string;
  /** The underlying error or SIP response, for logs. */
  cause?: unknown;
}

export type CallDirection = 'incoming' | 'outgoing';

/** State of one call. */
export type CallState =
  /** Outgoing: getting the microphone, sending INVITE. */
  | 'connecting'
  /** Outgoing: far end ringing (180). Incoming: ringing here, waiting for answer/reject. */
  | 'ringing'
  /** Outgoing: 183 with SDP, far-end audio before answer (IVR, announcements). */
  | 'early-media'
  /** Answered, media flowing both ways. */
  | 'active'
  /** Answered, held by us, by the far end, or both (see {@link HoldState}). */
  | 'on-hold'
  /** Over; see {@link EndCause}. */
  | 'ended';

/** Who holds the call. */
export type HoldState = 'none' | 'local' | 'remote' | 'both';

/** Options of one call placed with `phone.call()`. */
export interface CallOptions {
  /**
   * What the agent should know about the caller (an order number, the page): names of
   * letters, digits, `_`, `.` or `-`, text values, at most 1 KB as JSON. Sent in the
   * INVITE's `X-Context` header; a context that breaks the rules fails the call with the
   * reason.
   */
  context?: Readonly<Record<string, string>>;
}

export interface RemoteIdentity {
  /** SIP URI, e.g. `sip:agent1@helpline.example`. */
  uri: string;
  /** User part of the URI. */
  user: string;
  /** Display name as the server sent it: untrusted text, never HTML. */
  displayName: string;
}

/** Map of event name → payload, for a typed emitter. */
export interface PhoneEventMap {
  registration: { state: RegistrationState; previous: RegistrationState; error?: PhoneError };
  /** A new incoming call is ringing. */
  incoming: { call: CallHandle };
  /** Any new call (incoming or outgoing) exists. */
  call: { call: CallHandle };
  error: PhoneError;
  /** Browser blocked audio playback; call `unlockAudio()` from a user gesture. */
  'autoplay-blocked': {
    what: 'ringtone' | 'call-waiting' | 'ringback' | 'hold-music' | 'remote-audio';
  };
  'autoplay-unlocked': Record<string, never>;
  /** A call's end-of-call report (same as the call's `report` event). */
  report: CallReport;
  /** Connection lost, recovered (with the region) or given up. */
  connection: ConnectionEvent;
  /** The phone sends new requests with other credentials, see {@link CredentialsEvent}. */
  credentials: CredentialsEvent;
  /** The agent's availability for queue calls changed, see {@link AvailabilityEvent}. */
  availability: AvailabilityEvent;
  /** This tab became the one that owns the phone, or one that mirrors it (`TabPhone`). */
  'tab-role': { role: TabRole };
  /** The audio devices (lists or choice) changed, see {@link DevicesEvent}. */
  devices: DevicesEvent;
}

/**
 * The phone's audio devices now, with what just happened to those in use (a headset
 * plugged in and taken, a device unplugged and the default used instead).
 */
export interface DevicesEvent extends DevicesState {
  notices: DeviceNotice[];
}

/**
 * An agent's availability for queue calls. It rides on the registration (a Contact
 * parameter of every REGISTER), so it holds across reconnects and region failovers: the
 * queue rings only `available` agents; direct calls and transfers ring anyway.
 */
export type Availability =
  /** Takes queue calls. */
  | 'available'
  /** Takes no queue calls until the agent says so. */
  | 'away'
  /** Takes no queue calls for `wrapUpSeconds` after a call, then `available` again. */
  | 'wrap-up';

export interface AvailabilityEvent {
  availability: Availability;
  previous: Availability;
  /** The agent chose; an answered call ended (wrap-up began); or the wrap-up was over. */
  reason: 'agent' | 'call-ended' | 'wrap-up-over';
  /** When the wrap-up ends, ms since epoch (only with `wrap-up`). */
  wrapUpEndsAt?: number;
}

/**
 * New credentials in use: `initial` when the phone connects, `refresh` before the old ones
 * expire, `rejected` after the server refused the old ones. New requests go out as `uri`
 * (a visitor gets a new identity with each); calls in progress keep theirs.
 */
export interface CredentialsEvent {
  uri: string;
  /** When they stop working, ms since epoch; undefined = never (static credentials). */
  expiresAt: number | undefined;
  reason: 'initial' | 'refresh' | 'rejected';
}

export interface CallEventMap {
  state: { state: CallState; previous: CallState; hold: HoldState };
  ended: { cause: EndCause; message: string; sipStatus?: number };
  dtmf: { tone: string; method: 'rfc4733' | 'info' };
  muted: { muted: boolean };
  /** Local hold music started or stopped (far end holds us without sending media). */
  'hold-music': { playing: boolean };
  error: PhoneError;
  /** A stats sample (every `statsIntervalMs` while answered). */
  quality: QualitySample;
  /** A quality warning raised or cleared. */
  'quality-warning': QualityWarningChange;
  /** The far end's phone reported its quality warnings (`quality.farEndWarnings`). */
  'far-end-quality': { warnings: readonly QualityWarningName[] };
  /** The end-of-call report, once, as the call ends (just before `ended`). */
  report: CallReport;
  /** The connection under the call dropped, came back, or did not in time. */
  connection: CallConnectionEvent;
  /** A transfer was accepted by the far end, then succeeded or failed. */
  transfer: TransferEvent;
  /** A step of adding a party to the call or dropping one (see {@link CallHandle.addParticipant}). */
  participant: ParticipantEvent;
  /** The parties added to the call changed (see {@link CallHandle.participants}). */
  participants: { participants: readonly string[] };
}

/**
 * How adding a party to a call goes: `adding` (the request is out), then `added` (the
 * party answered and hears the call) or `add-failed`; dropping one ends `dropped` or
 * `drop-failed`. A failure leaves the call as it was.
 */
export interface ParticipantEvent {
  state: 'adding' | 'added' | 'add-failed' | 'dropped' | 'drop-failed';
  /** The party as given. */
  target: string;
  /** A failure's SIP status: the refusal of the request, or the party's call's status. */
  sipStatus?: number;
  /** A failure's reason phrase, or why nothing was sent. */
  reason?: string;
}

/**
 * How a transfer goes: `trying` once the far end took it on, then `transferred` (the
 * target answered; the call then ends with cause `transferred`) or `failed` (the call
 * stays as it was).
 */
export interface TransferEvent {
  state: 'trying' | 'transferred' | 'failed';
  /** The target as given; for an attended transfer, the consulted party's URI. */
  target: string;
  /** An attended transfer (to a consultation call). */
  attended?: true;
  /** `failed`: the refusal of the REFER, or the final status of the call to the target. */
  sipStatus?: number;
  /** `failed`: its reason phrase, or why nothing was sent. */
  reason?: string;
}

export type Unsubscribe = () => void;

/** The read-and-command surface of one call, as elements and hosts see it. */
export interface CallHandle {
  readonly id: string;
  readonly direction: CallDirection;
  readonly state: CallState;
  readonly hold: HoldState;
  readonly muted: boolean;
  readonly remote: RemoteIdentity;
  /** `Date.now()` when created / answered (undefined until answered). */
  readonly createdAt: number;
  readonly answeredAt: number | undefined;
  readonly endCause: EndCause | undefined;
  /** The connection under the answered call dropped and the call waits for it. */
  readonly reconnecting: boolean;
  /**
   * The caller's context (see {@link CallOptions.context}): what we sent, or what the
   * caller's page sent with an incoming call. Untrusted text: render it as text only.
   */
  readonly context: Readonly<Record<string, string>> | undefined;
  /** The media connection, for stats; undefined before media is set up. */
  readonly peerConnection: RTCPeerConnection | undefined;
  /** Latest quality sample, active warnings, and the report once the call ended. */
  readonly quality: CallQuality;
  answer(): Promise<void>;
  reject(): void;
  /** Hang up an active call, or cancel one still ringing. */
  hangup(): void;
  setMuted(muted: boolean): void;
  /**
   * Hold (`true`) or resume (`false`) the call with a re-INVITE. `hold` changes only once
   * the far end accepted; a refusal leaves the call as it was and emits `hold-failed`.
   * (A method named `hold()` would clash with the `hold` state field.)
   */
  setHold(held: boolean): Promise<void>;
  /** Send digits; `,` pauses. Resolves when all are sent. */
  sendDtmf(sequence: string): Promise<void>;
  /**
   * Transfer the answered call and resolve with the outcome (also `transfer` events).
   * Blind to `target` (a user such as `'agent2'` or `'queue'`, or a SIP URI), or attended
   * to another answered call of this phone (a consultation with the target): the target's
   * phone then takes this call in place of the consultation (RFC 3891 Replaces). Once
   * transferred the call ends (cause `transferred`), and so does the consultation; a failed
   * transfer leaves both as they were and also emits `transfer-failed`.
   */
  transfer(target: string | CallHandle): Promise<TransferEvent>;
  /**
   * The parties added to this answered call (3-way call) and not dropped, as given to
   * {@link addParticipant}.
   */
  readonly participants: readonly string[];
  /**
   * Adds a party (a user such as `'agent8'`) to the answered call: a 3-way call in the
   * media server. Resolves with the outcome (also `participant` events, and
   * `participant-failed` errors).
   */
  addParticipant(target: string): Promise<ParticipantEvent>;
  /** Drops a party added before: their call ends, this one goes on. */
  removeParticipant(target: string): Promise<ParticipantEvent>;
  on<K extends keyof CallEventMap>(
    event: K,
    handler: (payload: CallEventMap[K]) => void,
  ): Unsubscribe;
}

/**
 * With `singleTab`: `owner` holds the phone (its connection, registration and media),
 * `follower` mirrors the owner tab's phone and acts through it; `electing` until known.
 */
export type TabRole = 'electing' | 'owner' | 'follower';

/** A phone as its users see it: `Phone`, or `TabPhone` when tabs share one registration. */
export interface PhoneHandle {
  readonly state: RegistrationState;
  readonly lastError: PhoneError | undefined;
  /** The region serving the connection, when the SBC names it. */
  readonly region: string | undefined;
  /** `supervisor` when the phone's credentials carry that role (it may then listen in). */
  readonly role: 'supervisor' | undefined;
  /** Availability for queue calls (phones that register), and the wrap-up's end. */
  readonly availability: Availability;
  readonly wrapUpEndsAt: number | undefined;
  /** Which part this tab plays, with `singleTab`; a phone without it is always `owner`. */
  readonly tabRole: TabRole;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Connect early, on the visitor's intent to call. */
  prepare(): Promise<void>;
  call(target: string, options?: CallOptions): CallHandle;
  /** Supervisor listen-in: a call that hears `agent`'s call, both sides, without being heard. */
  listen(agent: string): CallHandle;
  refreshCredentials(): Promise<void>;
  unlockAudio(): Promise<void>;
  setAvailability(availability: Availability): void;
  /** Audio devices: the lists, the choice, and the device menu's checks (devices.ts). */
  readonly devices: DevicesState;
  setDevices(selection: DeviceSelection): Promise<PhoneError | undefined>;
  allowDeviceLabels(): Promise<PhoneError | undefined>;
  playTestSound(output: 'speaker' | 'ringer'): Promise<PhoneError | undefined>;
  watchMicrophoneLevel(onLevel: (level: number) => void): Promise<Unsubscribe>;
  /**
   * The self-check: browser support, the microphone (permission and level), and a short
   * call to the echo service rated like any call; resolves with a verdict and the
   * measures as JSON (preflight/types.ts), never rejects. Loaded on first use.
   */
  preflight(options?: PreflightOptions): Promise<PreflightResult>;
  on<K extends keyof PhoneEventMap>(
    event: K,
    handler: (payload: PhoneEventMap[K]) => void,
  ): Unsubscribe;
}
