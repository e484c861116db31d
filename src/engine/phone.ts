/** The phone: connection, registration and calls, on a JsSIP UA. */

import { UA } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import type { Socket } from 'jssip/lib/Socket';
import type { RTCSessionEvent } from 'jssip/lib/UA';
import { type SoundChannel, SoundPlayer } from './audio';
import { AvailabilityState } from './availability';
import { Backoff } from './backoff';
import { Call } from './call';
import type { CallContext } from './call-context';
import {
  type CallerContext,
  CONTEXT_HEADER,
  decodeCallerContext,
  encodeCallerContext,
} from './caller-context';
import { endMessage, isAuthRejection } from './causes';
import { type ResolvedConfig, validateConfig } from './config';
import { proveConnection } from './connection-proof';
import { CredentialStore, insecureCredentialsWarning, type SipCredentials } from './credentials';
import { takeMicrophone } from './early-microphone';
import { Emitter } from './emitter';
import { callIceServers } from './ice-servers';
import { routeJssipLogs } from './jssip-log';
import { Logger } from './log';
import { onNetworkChange } from './network-hints';
import {
  alongsideMicrophone,
  offerWithoutTrack,
  releaseMicrophone,
} from './offer-before-microphone';
import { onLeaveAttempt, onPageExit } from './page-exit';
import { PhoneDevices } from './phone-devices';
import { preflight } from './preflight/lazy';
import { sendReportBeacon } from './quality/beacon';
import { redactUrl } from './redact';
import { type RingerSound, ringerSound } from './ringer';
import { identityFromUri } from './session-facts';
import { FailoverSocket } from './socket';
import { sharedInstanceId, tabChannelName } from './tabs/shared-identity';
import { targetUri } from './target';
import type {
  Availability,
  AvailabilityEvent,
  CallHandle,
  CallOptions,
  ConnectionEvent,
  DeviceSelection,
  DevicesState,
  PhoneConfig,
  PhoneError,
  PhoneEventMap,
  PhoneHandle,
  PreflightOptions,
  PreflightResult,
  RegistrationState,
  TabRole,
  Unsubscribe,
} from './types';
import { reRegisterNow, setRegisteredAvailability } from './ua-availability';
import { applyCredentialsToUa, identityUri } from './ua-identity';

/** A call waits at most this long for the connection before it ends. */
export const CALL_CONNECT_TIMEOUT_MS = 15_000;
/** `stop()` waits at most this long for the un-REGISTER and the socket to close. */
const STOP_TIMEOUT_MS = 3000;

type Ready = { ok: true } | { ok: false; error: PhoneError };

function statusOf(response: IncomingResponse | null | undefined): number | undefined {
  return response?.status_code;
}

/**
 * A softphone. Construct it with a {@link PhoneConfig}, subscribe with {@link Phone.on},
 * then {@link Phone.start} (agents) or just {@link Phone.call} (visitors). Nothing here
 * throws: failures are states, `error` events and call `ended` events.
 */
export class Phone implements PhoneHandle {
  private readonly events = new Emitter<PhoneEventMap>(() => this.log);
  /** `logLevel` and `logger` of the configuration (log.ts); the console at `warn` without one. */
  private log = new Logger();
  /** Stops routing JsSIP's trace here (set while connected or connecting at `debug`). */
  private forgetJssipLog?: () => void;
  private readonly config: ResolvedConfig | undefined;
  private readonly sounds: SoundPlayer;
  private readonly credentials: CredentialStore | undefined;
  private readonly registerRetry = new Backoff();
  private stateValue: RegistrationState = 'unregistered';
  private lastErrorValue: PhoneError | undefined;
  private liveCalls: Call[] = [];
  /** The call a transferred call is about to replace, while JsSIP starts that one. */
  private replacing: Call | undefined;
  private ua: UA | undefined;
  private socket: FailoverSocket | undefined;
  private wantRegister = false;
  private authRetried = false;
  private stopping = false;
  /** Removes the page-exit hook (set while the phone is connected or connecting). */
  private forgetPageExit?: () => void;
  private forgetLeaveAttempt?: () => void;
  private forgetNetwork?: () => void;
  private failedConnects = 0;
  private connecting: Promise<void> | undefined;
  /** Bumped by stop(): an openUa() still awaiting its credentials then knows it is stale. */
  private connectAttempt = 0;
  private registerTimer: ReturnType<typeof setTimeout> | undefined;
  /** The UA that was asked to register (it then re-registers on every connect). */
  private registerAsked: UA | undefined;
  /** The credentials the UA uses now. */
  private applied: SipCredentials | undefined;
  /** Fresh credentials for another identity, held back until the call in progress ends. */
  private deferred: { credentials: SipCredentials; reason: 'refresh' | 'rejected' } | undefined;
  /** The region serving the connection (`X-Region` of the SBC's answers). */
  private regionValue: string | undefined;
  /** Set while an established connection is being recovered: when it dropped, and where. */
  private outage: { since: number; region: string | undefined } | undefined;
  private readonly regionWaiters: Array<() => void> = [];
  /** Available / Away / Wrap-up, sent with every REGISTER (ua-availability.ts). */
  private readonly availabilityState: AvailabilityState | undefined;
  /** Microphone, speaker and ringer (phone-devices.ts). */
  private readonly deviceChoice: PhoneDevices;

  /** Validates the configuration; an invalid one leaves the phone `failed` (see `lastError`). */
  constructor(config: PhoneConfig) {
    this.sounds = new SoundPlayer({
      onBlocked: (what: SoundChannel) => {
        this.events.emit('autoplay-blocked', { what });
        this.reportError({
          code: 'autoplay-blocked',
          message: `The browser blocked the ${what.replace('-', ' ')}; click anywhere on the phone to allow sound.`,
        });
      },
      onUnlocked: () => this.events.emit('autoplay-unlocked', {}),
      onFailed: (what, error) => this.log.warn(`could not play the ${what}`, { error }),
    });
    const result = validateConfig(config);
    if (!result.ok) {
      this.deviceChoice = this.createDevices(undefined);
      this.stateValue = 'failed';
      this.lastErrorValue = result.error;
      // Let handlers subscribed right after construction hear about it.
      queueMicrotask(() => this.events.emit('error', result.error));
      return;
    }
    this.config = result.config;
    this.availabilityState = new AvailabilityState(
      result.config.availability,
      result.config.wrapUpSeconds,
      (event) => this.availabilityChanged(event),
    );
    this.log = new Logger(result.config.logLevel, result.config.logger);
    this.deviceChoice = this.createDevices(result.config);
    void this.deviceChoice.start();
    this.credentials = new CredentialStore(
      result.config.credentials,
      (credentials) => this.applyCredentials(credentials, 'refresh'),
      (error) => this.reportError(error),
    );
    const warning = insecureCredentialsWarning(result.config.credentials);
    if (warning) {
      this.log.warn(warning.message);
      queueMicrotask(() => this.events.emit('error', warning));
    }
  }

  /** Registration / connection state. */
  get state(): RegistrationState {
    return this.stateValue;
  }

  /** A phone on its own always owns itself (`TabPhone` shares one between tabs). */
  readonly tabRole: TabRole = 'owner';

  /** Calls that are not over yet (at most `maxCalls`), oldest first. */
  get calls(): readonly CallHandle[] {
    return [...this.liveCalls];
  }

  /** The region serving the connection, when the server tells (see `connection` events). */
  get region(): string | undefined {
    return this.regionValue;
  }

  /** Availability for queue calls (`available` for a phone with an invalid configuration). */
  get availability(): Availability {
    return this.availabilityState?.value ?? 'available';
  }

  /** When the wrap-up in progress ends (ms since epoch), else undefined. */
  get wrapUpEndsAt(): number | undefined {
    return this.availabilityState?.wrapUpEndsAt;
  }

  /**
   * Available (which also ends a wrap-up early) or Away for queue calls; the SBC knows at
   * the next REGISTER, sent at once. Another value is refused with a `config-invalid`
   * error and changes nothing.
   */
  setAvailability(availability: Availability): void {
    const refused = this.availabilityState?.choose(availability);
    if (refused) this.reportError({ code: 'config-invalid', message: refused });
  }

  /** The audio devices: what there is, the chosen microphone, speaker and ringer (devices.ts). */
  get devices(): DevicesState {
    return this.deviceChoice.state;
  }

  /**
   * Choose the microphone, speaker and/or ringer (`null`: the system default) and whether a
   * newly plugged device is taken; remembered for this origin. A call in progress moves to
   * the new microphone without renegotiation. An unknown id (or an output where the browser
   * cannot choose one) changes nothing: the error is returned and reported.
   */
  async setDevices(selection: DeviceSelection): Promise<PhoneError | undefined> {
    await this.deviceChoice.start();
    return this.deviceChoice.select(selection);
  }

  /** Ask for the microphone once so that the devices get their names (see `devices.labels`). */
  allowDeviceLabels(): Promise<PhoneError | undefined> {
    return this.deviceChoice.allowLabels();
  }

  /** Play a short test sound on the speaker or the ringer's device. */
  playTestSound(output: 'speaker' | 'ringer'): Promise<PhoneError | undefined> {
    return this.deviceChoice.playTestSound(output);
  }

  /**
   * The chosen microphone's level (0 to 1, ten times a second) from a stream of its own,
   * until the returned function is called (which releases the microphone).
   */
  watchMicrophoneLevel(onLevel: (level: number) => void): Promise<Unsubscribe> {
    return this.deviceChoice.watchMicrophoneLevel(onLevel);
  }

  /** The self-check (see {@link PhoneHandle.preflight}). */
  preflight(options?: PreflightOptions): Promise<PreflightResult> {
    return preflight(this, options);
  }

  /** The last error reported, if any. */
  get lastError(): PhoneError | undefined {
    return this.lastErrorValue;
  }

  /** Subscribe to a phone event; returns the unsubscribe function. */
  on<K extends keyof PhoneEventMap>(
    event: K,
    handler: (payload: PhoneEventMap[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, handler);
  }

  /**
   * Get credentials, connect, and register unless `register: false`. Resolves once the
   * first attempt settled (`registered`, or `connected` without registering;
   * `reconnecting` or `failed`); never rejects.
   */
  async start(): Promise<void> {
    if (!this.config) return;
    void this.deviceChoice.start();
    this.wantRegister = this.config.register;
    if (this.ua?.isConnected() && this.wantRegister) this.register();
    await this.connect();
  }

  /**
   * Warm up on the visitor's intent (hover, focus): fetch credentials and open the
   * socket without registering, and prove the credentials on it (connection-proof.ts).
   * Idempotent.
   */
  async prepare(): Promise<void> {
    await this.connect();
  }

  /** Hang up every call, unregister, close the connection and cancel every timer. */
  async stop(): Promise<void> {
    if (!this.config) return;
    this.stopping = true;
    this.connectAttempt += 1;
    this.wantRegister = false;
    clearTimeout(this.registerTimer);
    this.credentials?.stop();
    this.forgetPageExit?.();
    this.forgetPageExit = undefined;
    this.forgetLeaveAttempt?.();
    this.forgetLeaveAttempt = undefined;
    this.forgetNetwork?.();
    this.forgetNetwork = undefined;
    // JsSIP's trace goes on until the calls are hung up and the phone unregistered.
    const forgetJssipLog = this.forgetJssipLog;
    this.forgetJssipLog = undefined;
    for (const call of [...this.liveCalls]) call.hangup();
    this.availabilityState?.dispose();
    this.deviceChoice.stop();
    this.sounds.stopAll();
    const ua = this.ua;
    this.ua = undefined;
    this.socket = undefined;
    this.connecting = undefined;
    if (ua) await this.closeUa(ua);
    forgetJssipLog?.();
    this.stopping = false;
    if (this.stateValue !== 'failed') this.setState('unregistered');
  }

  /**
   * Call a user (`'ivr'`, `'agent1'`) or a SIP URI, with the caller's context if given.
   * Returns at once, in `connecting`; starts the phone if needed. Failures arrive as the
   * call's `ended` event, never as exceptions.
   */
  call(target: string, options: CallOptions = {}): CallHandle {
    const uri = this.config ? targetUri(target, this.config.domain) : undefined;
    const call = new Call(
      'outgoing',
      identityFromUri(uri ?? String(target)),
      this.callContext(),
      options.context,
    );
    this.liveCalls.push(call);
    this.events.emit('call', { call });
    void this.place(call, uri, target);
    return call;
  }

  /**
   * `supervisor` when the phone's credentials carry that role (backend/credentials mints it
   * into the username): such a phone may {@link listen} in on agents' calls. The SBC checks
   * the role itself; this only says what to offer.
   */
  get role(): 'supervisor' | undefined {
    return this.applied?.role;
  }

  /**
   * Supervisor listen-in: calls `listen-<agent>`, whose media server adds this call to the
   * agent's call as a listener (hears both sides, is never heard). The SBC refuses it (403)
   * unless the credentials carry the supervisor role; 480 when the agent has no call.
   */
  listen(agent: string): CallHandle {
    return this.call(`listen-${agent.trim()}`);
  }

  /**
   * Fetch new credentials now (the host renewed its session, say) and use them for every
   * new request; calls in progress keep theirs, a registered phone re-registers. Resolves
   * once done; a failure arrives as an `error` event. The phone also does this by itself
   * before its credentials expire.
   */
  async refreshCredentials(): Promise<void> {
    if (!this.credentials?.refreshable) return;
    const fresh = await this.credentials.fetch();
    if (fresh.ok) this.applyCredentials(fresh.credentials, 'refresh');
    else this.reportError(fresh.error);
  }

  /** Retry sounds the browser blocked. Call it from a user gesture (click, key press). */
  async unlockAudio(): Promise<void> {
    await this.sounds.unlock();
  }

  private async place(call: Call, uri: string | undefined, target: string): Promise<void> {
    // Let the caller subscribe to the call before anything can happen to it.
    await Promise.resolve();
    if (!uri || !this.config) {
      const message = this.config
        ? `'${String(target)}' is not a number or SIP address that can be called.`
        : `The phone is not configured: ${this.lastErrorValue?.message ?? ''}`;
      call.fail({ cause: 'failed', message }, { code: 'call-failed', message });
      return;
    }
    const headers = contextHeaders(call.context);
    if (!headers.ok) {
      const message = `The call was not placed: ${headers.message}.`;
      call.fail({ cause: 'failed', message }, { code: 'call-failed', message });
      return;
    }
    if (this.liveCalls.length > this.config.maxCalls) {
      const message =
        this.config.maxCalls === 1
          ? 'Another call is already in progress.'
          : `The phone is already in ${this.config.maxCalls} calls, the most it takes.`;
      call.fail({ cause: 'failed', message }, { code: 'call-failed', message });
      return;
    }
    // The microphone opens beside the connection; the offer waits for it only when it must
    // (offer-before-microphone.ts).
    const microphoneId = this.deviceChoice.microphoneId;
    const [ready, microphone] = await alongsideMicrophone(
      this.whenConnected(),
      takeMicrophone(microphoneId),
    );
    if ('opening' in microphone) {
      void microphone.opening.then((result) => {
        if (result.ok) this.deviceChoice.microphoneGranted();
      });
    } else if (microphone.opened.ok) this.deviceChoice.microphoneGranted();
    if (call.state === 'ended') {
      releaseMicrophone(microphone);
      return;
    }
    if ('opened' in microphone && !microphone.opened.ok) {
      call.reportMicrophone(microphone.opened.error);
      call.fail({ cause: 'microphone', message: microphone.opened.error.message });
      return;
    }
    if (!ready.ok) {
      releaseMicrophone(microphone);
      call.fail({ cause: 'connection-lost', message: ready.error.message }, ready.error);
      return;
    }
    // Credentials that expired while the page slept (timers stand still) are renewed
    // before the INVITE rather than after its refusal; current ones come back at once.
    const current = await this.credentials!.get();
    if (call.ended) {
      releaseMicrophone(microphone);
      return;
    }
    if (current.ok) this.applyCredentials(current.credentials, 'refresh', call);
    // One call has the line: the others are held before this one goes out.
    await this.holdOthers(call);
    if (call.ended) {
      releaseMicrophone(microphone);
      return;
    }
    const stream =
      'opened' in microphone && microphone.opened.ok ? microphone.opened.stream : undefined;
    try {
      const extraHeaders = headers.lines;
      call.attach(this.newSession(uri, stream, extraHeaders), stream, (current) =>
        this.renewCall(call, uri, current, extraHeaders),
      );
      if ('opening' in microphone) call.microphoneOpening(microphone.opening, microphoneId);
    } catch (error) {
      releaseMicrophone(microphone);
      const message = `${endMessage('failed')} (${String(error)})`;
      call.fail({ cause: 'failed', message }, { code: 'call-failed', message, cause: error });
    }
  }

  /**
   * A new outgoing session: with the microphone's `stream`, or, while it is still opening,
   * with an audio transceiver waiting for its track (offer-before-microphone.ts).
   */
  private newSession(
    uri: string,
    stream: MediaStream | undefined,
    extraHeaders: string[],
  ): RTCSession {
    if (!this.ua || !this.config) throw new Error('the phone was stopped');
    return this.ua.call(uri, {
      ...(stream ? { mediaStream: stream } : offerWithoutTrack()),
      pcConfig: { iceServers: this.iceServers() },
      extraHeaders,
    });
  }

  /**
   * The INVITE was refused for its credentials (401/403/407), which may have gone stale:
   * expired on a page whose timers stood still, a clock minutes off, or a refresh racing
   * the INVITE's challenge. Fresh credentials, and the call goes out again with the
   * microphone it has now (`stream`; undefined while it is still opening); the Call asks
   * only once. Undefined: nothing to retry with (the call ends with the refusal).
   */
  private async renewCall(
    call: Call,
    uri: string,
    stream: MediaStream | undefined,
    extraHeaders: string[],
  ): Promise<RTCSession | undefined> {
    if (!this.credentials?.refreshable) return undefined;
    const fresh = await this.credentials.fetch();
    if (!fresh.ok) {
      this.reportError(fresh.error);
      return undefined;
    }
    if (call.ended || !this.ua?.isConnected()) return undefined;
    this.applyCredentials(fresh.credentials, 'rejected', call);
    return this.newSession(uri, stream, extraHeaders);
  }

  /** Resolves when the socket is up, or with an error when it cannot be brought up. */
  private whenConnected(): Promise<Ready> {
    if (this.ua?.isConnected()) return Promise.resolve({ ok: true });
    if (this.stateValue === 'failed' || !this.ua) void this.start();
    // Someone is waiting for the line: do not sit out the rest of a backoff delay.
    this.socket?.retryNow();
    const startFailures = this.failedConnects;
    const servers = this.config?.servers.length ?? 1;
    return new Promise<Ready>((resolve) => {
      const finish = (result: Ready) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            error: {
              code: 'connection-failed',
              message: `Could not connect to the phone service within ${CALL_CONNECT_TIMEOUT_MS / 1000} s.`,
            },
          }),
        CALL_CONNECT_TIMEOUT_MS,
      );
      const unsubscribe = this.events.on('registration', ({ state, error }) => {
        if (this.ua?.isConnected()) finish({ ok: true });
        else if (state === 'failed') finish({ ok: false, error: error ?? this.failureError() });
        // One failed attempt per server: every server was tried once for this call.
        else if (this.failedConnects - startFailures >= servers) {
          finish({ ok: false, error: error ?? this.failureError() });
        }
      });
    });
  }

  private failureError(): PhoneError {
    return (
      this.lastErrorValue ?? { code: 'connection-failed', message: endMessage('connection-lost') }
    );
  }

  /** Credentials + UA + socket, once; concurrent callers share the attempt. */
  private connect(): Promise<void> {
    if (!this.config) return Promise.resolve();
    // A closed tab must not leave the far end holding the call until its RTP timeout: the
    // calls end with a BYE (and their reports are sent) as the page goes.
    this.forgetPageExit ??= onPageExit(
      () => {
        for (const call of [...this.liveCalls]) call.hangup();
      },
      undefined,
      this.log,
    );
    // …and a close or reload by mistake asks first.
    this.forgetLeaveAttempt ??= onLeaveAttempt(
      () =>
        this.config?.confirmPageExit === true &&
        this.liveCalls.some(
          (call) => call.direction === 'outgoing' || call.answeredAt !== undefined,
        ),
    );
    // The browser's network events: check the connection now rather than at the next
    // keepalive, and after `online` reconnect without waiting out the backoff.
    this.forgetNetwork ??= onNetworkChange({
      online: () => {
        this.socket?.retryNow();
        this.socket?.probe();
      },
      offline: () => this.socket?.probe(),
    });
    this.forgetJssipLog ??= routeJssipLogs(this.log);
    // `connecting` covers the credentials fetch, before `ua` exists: prepare() on hover and
    // call() on click must not open two UAs.
    if ((this.ua || this.connecting) && this.stateValue !== 'failed') {
      return this.connecting ?? Promise.resolve();
    }
    this.connecting = this.openUa(this.config);
    return this.connecting;
  }

  private async openUa(config: ResolvedConfig): Promise<void> {
    this.authRetried = false;
    this.setState('connecting');
    // The WebSocket (TLS to the SBC) opens while the credentials are fetched: it needs
    // none until the REGISTER. Sequential, these were two round trips end to end.
    const attempt = ++this.connectAttempt;
    const socket = this.newSocket(config);
    // Until JsSIP binds its own handlers, remember a failed first attempt so that it is
    // reported at once rather than only after the socket's backoff retry fails too.
    let earlyDrop: { code: number | undefined; reason: string | undefined } | undefined;
    socket.ondisconnect = (_error, code, reason) => {
      earlyDrop = { code, reason };
    };
    socket.connect();
    const credentials = await this.credentials!.get();
    if (this.stopping || attempt !== this.connectAttempt) {
      socket.disconnect();
      return;
    }
    if (!credentials.ok) {
      socket.disconnect();
      this.setState('failed', credentials.error);
      return;
    }
    const settled = new Promise<void>((resolve) => {
      const off = this.events.on('registration', ({ state }) => {
        if (
          state === 'registered' ||
          state === 'connected' ||
          state === 'reconnecting' ||
          state === 'failed'
        ) {
          off();
          resolve();
        }
      });
    });
    try {
      this.ua = this.createUa(config, socket, credentials.credentials);
      this.applied = credentials.credentials;
      this.deferred = undefined;
      this.events.emit('credentials', {
        uri: identityUri(credentials.credentials, config.domain),
        expiresAt: credentials.credentials.expiresAt,
        reason: 'initial',
      });
    } catch (error) {
      socket.disconnect();
      this.setState('failed', {
        code: 'config-invalid',
        message: `The SIP stack refused the configuration: ${String(error)}`,
        cause: error,
      });
      return;
    }
    this.ua.start();
    // JsSIP bound its handlers to the socket just now (synchronously in start()) and waits
    // for an onconnect; if the socket opened during the credentials fetch, that already
    // happened, and FailoverSocket.connect() does nothing on an open socket: replay it.
    if (socket.isConnected()) socket.onconnect();
    else if (earlyDrop) socket.ondisconnect(true, earlyDrop.code, earlyDrop.reason);
    await settled;
  }

  private newSocket(config: ResolvedConfig): FailoverSocket {
    const socket = new FailoverSocket(config.servers, {
      domain: config.domain,
      keepaliveIntervalMs: config.keepaliveIntervalMs,
      keepaliveTimeoutMs: config.keepaliveTimeoutMs,
      log: this.log,
    });
    socket.onregion = (region) => this.setRegion(region);
    return socket;
  }

  private createUa(
    config: ResolvedConfig,
    socket: FailoverSocket,
    credentials: SipCredentials,
  ): UA {
    this.socket = socket;
    const ua = new UA({
      // FailoverSocket implements JsSIP's Socket interface (the class itself is not exported).
      sockets: [this.socket as unknown as Socket],
      uri: identityUri(credentials, config.domain),
      authorization_user: credentials.username,
      ...(credentials.password !== undefined && { password: credentials.password }),
      ...(config.displayName !== undefined && { display_name: config.displayName }),
      // Registration is driven here (register() on connect), so visitors never register.
      register: false,
      register_expires: config.registerExpires,
      // Tabs that share the phone register as one instance: a takeover replaces the contact.
      ...(config.singleTab && { instance_id: sharedInstanceId(tabChannelName(config)) }),
      // JsSIP calls connect() again 1 s (its smallest whole-second value) after a drop;
      // FailoverSocket then waits out the rest of our backoff delay.
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 1,
    });
    setRegisteredAvailability(ua, this.availability);
    ua.on('connecting', () => {
      if (this.stateValue === 'unregistered' || this.stateValue === 'failed') {
        this.setState('connecting');
      }
    });
    ua.on('connected', () => {
      if (this.wantRegister) {
        // Once asked to register, JsSIP registers again by itself on every connect, right
        // after this event (UA.js onTransportConnect); a REGISTER from here too would
        // double every registration. The first time, ask once that check is past.
        if (this.registerAsked === ua) this.setState('registering');
        else queueMicrotask(() => this.ua === ua && ua.isConnected() && this.register());
      } else {
        // `connected`, not `registered`: no REGISTER went out, so no call can reach this
        // phone, but it can place calls. A visitor is whole again once connected; the
        // region comes with the keepalive answer, a moment later. Its credentials are
        // proven on the connection now, so that its first call is not challenged.
        void proveConnection(ua, this.log);
        this.setState('connected');
        void this.recovered();
      }
    });
    ua.on('disconnected', ({ code, reason }) => {
      if (this.stopping || this.ua !== ua) return;
      this.failedConnects += 1;
      const url = redactUrl(this.socket?.url ?? config.servers[0] ?? '');
      const error: PhoneError = {
        code: 'connection-failed',
        message: `Lost or could not open the connection to the phone service (${url}${code ? `, code ${code}` : ''}${reason ? `: ${reason}` : ''}); retrying.`,
      };
      // Up: ready to call (registered, or connected for a visitor), or re-registering.
      const wasUp =
        this.stateValue === 'registered' ||
        this.stateValue === 'connected' ||
        this.stateValue === 'registering';
      this.setState('reconnecting', error);
      if (wasUp && !this.outage) this.lostConnection(error);
    });
    ua.on('registered', ({ response }) => {
      this.authRetried = false;
      this.registerRetry.reset();
      const region = response?.getHeader('X-Region');
      if (region) this.setRegion(region);
      this.setState('registered');
      void this.recovered();
    });
    ua.on('registrationFailed', ({ response, cause }) =>
      this.registrationFailed(statusOf(response), String(cause)),
    );
    ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator === 'remote') this.incoming(event.session, event.request);
    });
    return ua;
  }

  private register(): void {
    clearTimeout(this.registerTimer);
    this.setState('registering');
    this.ua?.register();
    this.registerAsked = this.ua;
  }

  private async registrationFailed(status: number | undefined, cause: string): Promise<void> {
    if (this.stopping || !this.ua) return;
    // A dropped socket is handled by the reconnection (JsSIP re-registers on connect).
    if (cause === 'Connection Error') return;
    if (isAuthRejection(status)) {
      if (!this.authRetried && this.credentials?.refreshable) {
        this.authRetried = true;
        const fresh = await this.credentials.fetch();
        if (fresh.ok && this.ua) {
          this.applyCredentials(fresh.credentials, 'rejected');
          this.register();
          return;
        }
      }
      await this.giveUp({
        code: 'auth-rejected',
        message: `The phone service rejected the credentials (SIP ${status}).`,
      });
      return;
    }
    const delay = this.registerRetry.next();
    this.setState('reconnecting', {
      code: 'connection-failed',
      message: `Registration failed (${status ? `SIP ${status}` : cause}); retrying in ${Math.ceil(delay / 1000)} s.`,
    });
    clearTimeout(this.registerTimer);
    this.registerTimer = setTimeout(() => {
      if (this.ua?.isConnected() && this.wantRegister) this.register();
    }, delay);
  }

  /** An established connection dropped: tell, and let the calls wait for it. */
  private lostConnection(error: PhoneError): void {
    this.outage = { since: Date.now(), region: this.regionValue };
    this.regionValue = undefined;
    this.events.emit('connection', {
      state: 'reconnecting',
      ...(this.outage.region !== undefined && { previousRegion: this.outage.region }),
      error,
    });
    for (const call of this.liveCalls) call.connectionLost();
  }

  /** Ready again after an outage: tell (with the region), and recover the calls. */
  private async recovered(): Promise<void> {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    // Agents learn the region from the REGISTER 200; visitors from the keepalive answer,
    // which may still be on its way.
    if (this.regionValue === undefined) await this.regionKnown();
    const event: ConnectionEvent = { state: 'recovered', downtimeMs: Date.now() - outage.since };
    if (this.regionValue !== undefined) event.region = this.regionValue;
    if (outage.region !== undefined) event.previousRegion = outage.region;
    this.events.emit('connection', event);
    for (const call of this.liveCalls) call.connectionRestored(this.regionValue);
  }

  private setRegion(region: string): void {
    this.regionValue = region;
    for (const resolve of this.regionWaiters.splice(0)) resolve();
  }

  /** Resolves once the region is known, or after a keepalive timeout (then it stays unknown). */
  private regionKnown(): Promise<void> {
    this.socket?.probe();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.config?.keepaliveTimeoutMs ?? 0);
      this.regionWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Terminal failure: close everything and stay `failed` (no retry storm). */
  private async giveUp(error: PhoneError): Promise<void> {
    const ua = this.ua;
    this.ua = undefined;
    this.socket = undefined;
    this.connecting = undefined;
    this.credentials?.stop();
    this.setState('failed', error);
    if (this.outage) {
      this.outage = undefined;
      this.events.emit('connection', { state: 'failed', error });
      for (const call of [...this.liveCalls]) call.connectionFailed(error.message);
    }
    if (ua) {
      this.stopping = true;
      await this.closeUa(ua);
      this.stopping = false;
    }
  }

  /**
   * Send every new request with `credentials`, as their identity (ua-identity.ts). A
   * registered agent re-registers at once on a refresh: its registration then never
   * depends on credentials about to expire (the SBC may cap its expiry at their lifetime).
   *
   * Credentials for another identity (a visitor gets a new one with each) wait while a
   * call other than `placing` is up: the SBC may challenge that call's in-dialog requests
   * (backend/kamailio/kamailio.cfg challenges an endpoint whose address changed, after a
   * reconnect), and JsSIP answers with the UA's credentials, which must then still be
   * those of the dialog's From. Visitors (whose identity changes) have one call at a time,
   * so nothing else needs the new identity meanwhile; they apply as the last call ends.
   */
  private applyCredentials(
    credentials: SipCredentials,
    reason: 'refresh' | 'rejected',
    placing?: Call,
  ): void {
    const ua = this.ua;
    if (!ua || !this.config || credentials === this.applied) return;
    const domain = this.config.domain;
    const otherIdentity =
      this.applied !== undefined &&
      identityUri(this.applied, domain) !== identityUri(credentials, domain);
    if (otherIdentity && this.liveCalls.some((call) => call !== placing)) {
      this.deferred = { credentials, reason };
      return;
    }
    this.deferred = undefined;
    this.applied = credentials;
    applyCredentialsToUa(ua, credentials, this.config.domain);
    this.events.emit('credentials', {
      uri: identityUri(credentials, this.config.domain),
      expiresAt: credentials.expiresAt,
      reason,
    });
    if (reason === 'refresh' && this.wantRegister && this.stateValue === 'registered') {
      ua.register();
    }
  }

  private closeUa(ua: UA): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      ua.on('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      ua.stop();
      if (!ua.isConnected()) {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /**
   * A call rings here; during another call it rings as call waiting, up to `maxCalls`. A
   * call that takes another's place (`replacing`, set by `replace()`) is answered at once.
   */
  private incoming(session: RTCSession, request: IncomingRequest): void {
    const replaced = this.replacing;
    this.replacing = undefined;
    if (!replaced && this.liveCalls.length >= (this.config?.maxCalls ?? 1)) {
      session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    const context = decodeCallerContext(request.getHeader(CONTEXT_HEADER));
    const call = new Call('incoming', identityFromUri(''), this.callContext(), context, replaced);
    this.liveCalls.push(call);
    call.attach(session);
    this.events.emit('call', { call });
    if (!replaced) {
      this.events.emit('incoming', { call });
      return;
    }
    call.on('ended', () => {
      if (call.answeredAt === undefined) replaced.keepPlace();
    });
    void call.answer();
  }

  /**
   * An attended transfer to us: the transferred call takes `replaced`'s place. JsSIP starts
   * it inside `accept` (newRTCSession, then `incoming`), and ends `replaced` once it is up.
   */
  private replace(replaced: Call, accept: () => void): void {
    this.replacing = replaced;
    try {
      accept();
    } finally {
      this.replacing = undefined;
    }
  }

  /** Hold every answered call but `call` that we do not hold yet. */
  private async holdOthers(call: Call): Promise<void> {
    const others = this.liveCalls.filter(
      (other) =>
        other !== call &&
        other !== call.replaces &&
        (other.state === 'active' || other.state === 'on-hold') &&
        (other.hold === 'none' || other.hold === 'remote'),
    );
    await Promise.all(others.map((other) => other.setHold(true)));
  }

  /** Play what the calls' states call for: ringtone, call-waiting tone, ringback or nothing. */
  private syncRinger(): void {
    const sound = ringerSound(this.liveCalls);
    const urls: Record<RingerSound, string | null> = {
      ringtone: this.config?.ringtoneUrl ?? null,
      'call-waiting': this.config?.callWaitingUrl ?? null,
      ringback: this.config?.ringbackUrl ?? null,
    };
    for (const channel of Object.keys(urls) as RingerSound[]) {
      if (channel !== sound) this.sounds.stop(channel);
    }
    if (sound) this.sounds.playFile(sound, urls[sound]);
  }

  /** A new call's STUN/TURN servers: configured, then those minted with the credentials. */
  private iceServers(): RTCIceServer[] {
    return callIceServers(this.config?.iceServers ?? [], this.credentials?.current?.iceServers);
  }

  private callContext(): CallContext<Call> {
    return {
      config: this.config!,
      sounds: this.sounds,
      onEnded: (call) => {
        this.liveCalls = this.liveCalls.filter((other) => other !== call);
        if (call.answeredAt !== undefined && this.wantRegister) this.availabilityState?.callEnded();
        const deferred = this.deferred;
        if (deferred && this.liveCalls.length === 0) {
          this.applyCredentials(deferred.credentials, deferred.reason);
        }
      },
      onChange: () => this.syncRinger(),
      holdOthers: (call) => this.holdOthers(call),
      replace: (call, accept) => this.replace(call, accept),
      onError: (error) => this.reportError(error),
      onReport: (report) => {
        this.events.emit('report', report);
        const url = this.config?.statsUrl;
        if (url && !sendReportBeacon(url, report)) {
          this.log.warn(`the browser did not queue the call report for ${redactUrl(url)}`);
        }
      },
      // Reports leave the page (stats-url): the server without any query (issue 10).
      serverUrl: () => (this.socket ? redactUrl(this.socket.url) : undefined),
      region: () => this.regionValue,
      log: this.log,
      microphoneId: () => this.deviceChoice.microphoneId,
      iceServers: () => this.iceServers(),
    };
  }

  private createDevices(config: ResolvedConfig | undefined): PhoneDevices {
    return new PhoneDevices({
      sounds: this.sounds,
      calls: () => this.liveCalls,
      autoSwitch: config?.autoSwitchDevices ?? true,
      testSoundUrl: (output) =>
        (output === 'ringer' ? config?.ringtoneUrl : config?.speakerTestUrl) ?? null,
      log: this.log,
      emit: (event) => this.events.emit('devices', event),
      report: (error) => this.reportError(error),
    });
  }

  /** Tell, and re-REGISTER at once if registered (else the next REGISTER carries it). */
  private availabilityChanged(event: AvailabilityEvent): void {
    const ua = this.ua;
    if (ua) {
      setRegisteredAvailability(ua, event.availability);
      if (
        this.wantRegister &&
        (this.stateValue === 'registered' || this.stateValue === 'registering')
      ) {
        reRegisterNow(ua);
      }
    }
    this.events.emit('availability', event);
  }

  private reportError(error: PhoneError): void {
    this.lastErrorValue = error;
    this.events.emit('error', error);
  }

  private setState(state: RegistrationState, error?: PhoneError): void {
    const previous = this.stateValue;
    if (error) this.lastErrorValue = error;
    if (state === previous && !error) return;
    this.stateValue = state;
    this.log.info(
      `registration ${previous} → ${state}`,
      error && { code: error.code, reason: error.message },
    );
    if (error && state !== previous) this.events.emit('error', error);
    const payload: PhoneEventMap['registration'] = { state, previous };
    if (error) payload.error = error;
    this.events.emit('registration', payload);
  }
}

/** The INVITE's header lines for a caller context (none without one), or why not. */
function contextHeaders(
  context: CallerContext | undefined,
): { ok: true; lines: string[] } | { ok: false; message: string } {
  if (context === undefined) return { ok: true, lines: [] };
  const encoded = encodeCallerContext(context);
  return encoded.ok
    ? { ok: true, lines: [`${CONTEXT_HEADER}: ${encoded.header}`] }
    : { ok: false, message: encoded.message };
}
