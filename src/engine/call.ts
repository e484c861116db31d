/** One call: a JsSIP RTCSession behind the {@link CallHandle} contract. */
import type { EndEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { CallContext } from './call-context';
import type { CallRefers } from './call-refers';
import { CallSounds } from './call-sounds';
import type { CallerContext } from './caller-context';
import { type EndDescription, endMessage } from './causes';
import { sendDtmfSequence } from './dtmf-sender';
import { Emitter } from './emitter';
import { deriveHoldState } from './hold';
import { RemoteHold } from './hold-music';
import { boundIceGathering, iceBounds } from './ice';
import { inDialog } from './jssip-dialog';
import { LocalMedia } from './local-media';
import { acquireMicrophone, type MicrophoneResult, stopStream } from './media';
import {
  type FarEndReport,
  farEndReport,
  QUALITY_INFO_TYPE,
  readFarEndReport,
} from './quality/far-end';
import { QualityMonitor } from './quality/monitor';
import { CallRecovery, lostEnd } from './recovery';
import { followSession } from './session-events';
import {
  describeSessionEnd,
  endStatus,
  refusedForCredentials,
  sessionIdentity,
} from './session-facts';
import { keepTerminateCause } from './terminate-cause';
import type {
  CallDirection,
  CallEventMap,
  CallHandle,
  CallQuality,
  CallState,
  EndCause,
  HoldState,
  ParticipantEvent,
  PhoneError,
  RemoteIdentity,
  TransferEvent,
  Unsubscribe,
} from './types';

/**
 * How long the consultation of a successful attended transfer waits for the target's
 * phone to end it (RFC 3891 §3) before we do: 64×T1, a transaction's lifetime (RFC 3261
 * §17.1.1.2), so a target that answered but whose BYE is still retransmitted gets there.
 */
const REPLACED_CALL_BYE_WAIT_MS = 32_000;

/** Why a transfer or a party's addition did not start: its module could not be loaded. */
const REFERS_UNAVAILABLE = 'could not load what transfers and adds parties';

/** A new session for the call, with `stream` as its microphone (undefined: still opening). */
type Renew = (stream: MediaStream | undefined) => Promise<RTCSession | undefined>;

export class Call implements CallHandle {
  /** Stable id of this call (not the SIP Call-ID). */
  readonly id = crypto.randomUUID();
  /** `Date.now()` when the call was created. */
  readonly createdAt = Date.now();

  private readonly events = new Emitter<CallEventMap>(() => this.owner.log);
  private session: RTCSession | undefined;
  private stateValue: CallState;
  private remoteValue: RemoteIdentity;
  private answeredAtValue: number | undefined;
  private endCauseValue: EndCause | undefined;
  private readonly local = new LocalMedia(() => this.owner.log);
  private earlyMedia = false;
  /** ICE connected at some point (an ICE failure then lost the media, not never had it). */
  private mediaConnected = false;
  /** Answer was pressed; the call is being set up. */
  private answeringValue = false;
  /** Set before we end a session ourselves, when JsSIP's cause would be less precise. */
  private pendingEnd: EndDescription | undefined;
  /** The cause JsSIP gave when it ended the session by itself (terminate-cause.ts). */
  private terminateCause: string | undefined;
  /** The server the call's INVITE went through (for the report). */
  private server: string | undefined;
  private readonly monitor: QualityMonitor;
  /** A quality report held back while the connection is away, sent once the call is whole. */
  private unsentQuality: FarEndReport | undefined;
  private readonly sounds: CallSounds;
  private readonly remoteHold: RemoteHold;
  private readonly recovery: CallRecovery;
  /** Its transfers and added parties, from the first on (call-refers.ts). */
  private refersLoading: Promise<CallRefers> | undefined;
  /** The same once loaded, for the parties added so far (read synchronously). */
  private loadedRefers: CallRefers | undefined;
  /** The microphone swaps asked for, one after the other (useMicrophone). */
  private microphoneSwaps: Promise<void> = Promise.resolve();
  /**
   * Sends the call again with fresh credentials after an auth refusal, with the microphone
   * the call has then (undefined: still opening); used once.
   */
  private renew: Renew | undefined;

  /**
   * @param direction who placed the call
   * @param remote who is at the other end (as far as known)
   * @param owner the phone, through the seam call-context.ts
   * @param callerContext what the caller's page tells about the caller (caller-context.ts)
   * @param replaces the call this one takes the place of (an attended transfer to us, RFC
   *   3891): the phone answers this one at once, without holding that one first
   */
  constructor(
    readonly direction: CallDirection,
    remote: RemoteIdentity,
    private readonly owner: CallContext<Call>,
    private readonly callerContext?: CallerContext,
    readonly replaces?: Call,
  ) {
    this.remoteValue = remote;
    this.stateValue = direction === 'incoming' ? 'ringing' : 'connecting';
    this.monitor = new QualityMonitor({
      peerConnection: () => this.peerConnection,
      isHeld: () => this.stateValue === 'on-hold',
      isMuted: () => this.local.muted,
      onSample: (sample) => this.events.emit('quality', sample),
      onWarning: (change) => this.events.emit('quality-warning', change),
      onShare: (report) => this.shareQuality(report),
    });
    // The configuration is read only when needed: a phone without one still makes calls
    // that end at once (phone.ts place()).
    this.sounds = new CallSounds(owner.sounds, () => this.ended);
    this.remoteHold = new RemoteHold({
      sounds: owner.sounds,
      musicUrl: () => owner.config.holdMusicUrl,
      peerConnection: () => this.peerConnection,
      isEnded: () => this.ended,
      isLocallyHeld: () => this.local.held,
      onMusic: (playing) => this.events.emit('hold-music', { playing }),
    });
    this.recovery = new CallRecovery({
      timeoutMs: () => owner.config.callRecoveryTimeoutMs,
      session: () => this.session,
      isHeld: () => this.hold !== 'none',
      isEnded: () => this.ended,
      emit: (event) => this.events.emit('connection', event),
      fail: (reason) => this.connectionFailed(reason),
      refreshTarget: async () => (this.session ? this.local.refresh(this.session) : undefined),
      log: () => owner.log,
    });
    this.events.on('connection', ({ state }) => {
      if (state === 'recovered' && this.unsentQuality) this.shareQuality(this.unsentQuality);
    });
  }

  /** Current state; see {@link CallState}. */
  get state(): CallState {
    return this.stateValue;
  }
  /** Who holds the call. */
  get hold(): HoldState {
    return deriveHoldState(this.local.held, this.remoteHold.held);
  }
  /** Is our microphone muted? */
  get muted(): boolean {
    return this.local.muted;
  }
  /** The other party. */
  get remote(): RemoteIdentity {
    return this.remoteValue;
  }
  /** `Date.now()` when answered; undefined before. */
  get answeredAt(): number | undefined {
    return this.answeredAtValue;
  }
  /** Why the call ended; undefined while it lasts. */
  get endCause(): EndCause | undefined {
    return this.endCauseValue;
  }
  /** The caller's context: sent with an outgoing call, received with an incoming one. */
  get context(): CallerContext | undefined {
    return this.callerContext;
  }

  /** Answer was pressed and the call is being set up (it no longer rings). */
  get answering(): boolean {
    return this.answeringValue && this.stateValue === 'ringing';
  }
  /** Waiting for the connection under the answered call to come back? */
  get reconnecting(): boolean {
    return this.recovery.waiting;
  }
  /** The media connection (for stats); undefined before media is set up. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.session?.connection ?? undefined;
  }

  /** Latest quality sample, active warnings, and the report once ended. */
  get quality(): CallQuality {
    return this.monitor;
  }

  /** Answered and not over (active or on hold). */
  private get answered(): boolean {
    return this.stateValue === 'active' || this.stateValue === 'on-hold';
  }

  /** Over? (A getter, so that checks after an await are not narrowed away.) */
  get ended(): boolean {
    return this.stateValue === 'ended';
  }

  /** Subscribe to a call event; returns the unsubscribe function. */
  on<K extends keyof CallEventMap>(
    event: K,
    handler: (payload: CallEventMap[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, handler);
  }

  /**
   * Bind the JsSIP session (incoming: at once; outgoing: once the INVITE is under way).
   * `renew`: when the INVITE is refused with 401/403/407 before anything else happened,
   * the call asks it once for a new session (fresh credentials) and carries on with that
   * one, so the refusal never shows; undefined from it ends the call with the refusal.
   */
  attach(session: RTCSession, localStream?: MediaStream, renew?: Renew): void {
    this.session = session;
    this.terminateCause = undefined;
    keepTerminateCause(session, (cause) => {
      this.terminateCause = cause;
    });
    this.local.stream = localStream;
    if (localStream) {
      this.local.microphoneId = this.owner.microphoneId();
      // A session sent again while the microphone was opening waits for its track.
      void this.local.sendOn(session);
    }
    this.renew = renew;
    this.remoteValue = sessionIdentity(session);
    this.server = this.owner.serverUrl();
    this.local.keepMuted(session);
    followSession(session, boundIceGathering(iceBounds(this.owner.config)), this.owner.log, {
      peerConnection: (pc) => {
        this.sounds.playRemote(pc);
        pc.addEventListener('iceconnectionstatechange', () => {
          const state = pc.iceConnectionState;
          if (state === 'connected' || state === 'completed') this.mediaConnected = true;
        });
      },
      progress: (withSdp) => {
        if (this.direction !== 'outgoing') return;
        if (withSdp) this.earlyMedia = true;
        this.setState(this.earlyMedia ? 'early-media' : 'ringing');
      },
      answered: () => {
        this.answeredAtValue = Date.now();
        this.setState('active');
        const { statsIntervalMs, qualityThresholds } = this.owner.config;
        this.monitor.start({ intervalMs: statsIntervalMs, thresholds: qualityThresholds });
      },
      remoteOffer: (sdp) => this.remoteHold.offer(sdp),
      remoteHold: (held) => this.setRemoteHold(held),
      ended: (event) => this.sessionEnded(session, event),
      replaced: (accept, reject) => this.offerPlace(accept, reject),
      info: (contentType, body) => {
        const report = readFarEndReport(contentType, body);
        if (report && this.monitor.setFarEnd(report)) {
          this.events.emit('far-end-quality', { warnings: report.warnings });
        }
      },
    });
    this.owner.onChange(this);
  }

  /**
   * Answer an incoming call: microphone first (without one the call is refused), then the
   * other calls are held, then the answer goes out.
   */
  async answer(): Promise<void> {
    const session = this.session;
    if (this.direction !== 'incoming' || this.stateValue !== 'ringing' || !session) return;
    if (this.answeringValue) return;
    this.answeringValue = true;
    // The ring stops at the press, before the call is set up.
    this.owner.onChange(this);
    const microphone = await acquireMicrophone(this.owner.microphoneId());
    if (this.ended) {
      if (microphone.ok) stopStream(microphone.stream);
      return;
    }
    if (!microphone.ok) {
      this.reportMicrophone(microphone.error);
      this.terminate(
        { status_code: 480, reason_phrase: 'Microphone Unavailable' },
        { cause: 'microphone', message: microphone.error.message },
      );
      return;
    }
    this.local.stream = microphone.stream;
    this.local.microphoneId = this.owner.microphoneId();
    await this.owner.holdOthers(this);
    if (this.ended) return;
    try {
      session.answer({
        mediaStream: microphone.stream,
        pcConfig: { iceServers: this.owner.iceServers() },
      });
      this.local.keepMuted(session);
    } catch (error) {
      this.finish({ cause: 'failed', message: `${endMessage('failed')} (${String(error)})` });
    }
  }

  /**
   * The microphone still opening when the offer left (phone.ts, offer-before-microphone.ts):
   * its track goes on the sender as soon as it opens. One that fails ends the call with the
   * error it would have failed with before its INVITE (by CANCEL, or BYE once answered); one
   * that opens after the call ended is released at once. Microphone swaps and holds asked
   * meanwhile come after it (useMicrophone, setHold).
   */
  microphoneOpening(pending: Promise<MicrophoneResult>, deviceId: string | undefined): void {
    this.microphoneSwaps = this.microphoneSwaps.then(async () => {
      const microphone = await pending;
      if (this.ended) {
        if (microphone.ok) stopStream(microphone.stream);
        return;
      }
      if (!microphone.ok) {
        this.reportMicrophone(microphone.error);
        const end: EndDescription = { cause: 'microphone', message: microphone.error.message };
        this.terminate({}, end);
        // No session (being sent again after an auth refusal): nothing went out to end.
        if (!this.ended) this.finish(end);
        return;
      }
      await this.local.microphoneOpened(this.session, microphone.stream, deviceId);
    });
  }

  /** Refuse an incoming call (603 Decline). */
  reject(): void {
    if (this.direction !== 'incoming' || this.stateValue !== 'ringing') return;
    this.terminate(
      { status_code: 603, reason_phrase: 'Decline' },
      { cause: 'declined', message: endMessage('declined') },
    );
  }

  /** Hang up an active call, or cancel one that is not answered yet. */
  hangup(): void {
    if (this.stateValue === 'ended') return;
    if (!this.session) {
      // Still getting the microphone or the connection: nothing was sent yet.
      this.finish({ cause: 'canceled', message: endMessage('canceled') });
      return;
    }
    if (this.direction === 'incoming' && this.stateValue === 'ringing') {
      this.reject();
      return;
    }
    this.terminate({});
  }

  /**
   * Use the microphone `deviceId` (undefined: the default) from now on: a new stream, sent
   * with `replaceTrack` (no re-INVITE), muted if the call is (microphone-swap.ts). Nothing
   * to do when the call already uses it; a call not set up yet takes it when it gets its
   * microphone. A failure is reported and the call keeps what it had.
   */
  useMicrophone(deviceId: string | undefined): Promise<void> {
    this.microphoneSwaps = this.microphoneSwaps.then(() => this.swapMicrophone(deviceId));
    return this.microphoneSwaps;
  }

  private async swapMicrophone(deviceId: string | undefined): Promise<void> {
    if (this.ended || !this.local.needsMicrophone(deviceId)) return;
    const microphone = await acquireMicrophone(deviceId);
    if (!microphone.ok) {
      this.reportMicrophone(microphone.error);
      return;
    }
    if (this.ended) {
      stopStream(microphone.stream);
      return;
    }
    await this.local.swapMicrophone(this.session, microphone.stream, deviceId);
    this.owner.log.info(`call ${this.id} now uses the microphone ${deviceId ?? '(default)'}`);
  }

  /** Mute or unmute our microphone. */
  setMuted(muted: boolean): void {
    if (this.stateValue === 'ended' || muted === this.local.muted) return;
    this.local.setMuted(muted, this.session);
    this.events.emit('muted', { muted });
  }

  /**
   * Hold (`true`) or resume (`false`); the state changes only once the far end accepted.
   * Resuming holds the other calls first: one call has the line at a time.
   */
  async setHold(held: boolean): Promise<void> {
    // A sender without a track then means held, never a microphone still opening.
    await this.microphoneSwaps;
    const session = this.session;
    if (!session || !this.answered) return;
    if (!held) await this.owner.holdOthers(this);
    if (this.ended) return;
    const result = await this.local.reinviteHold(session, held);
    if (!result || this.ended) return;
    if (result.ok) {
      this.local.held = held;
      this.refreshAnsweredState();
      this.remoteHold.update();
      return;
    }
    this.events.emit('error', {
      code: 'hold-failed',
      message: `Could not ${held ? 'hold' : 'resume'} the call: ${result.reason}.`,
      cause: result,
    });
    if (result.dialogGone) this.terminate({});
  }

  /** Send digits (`,` pauses 2 s); resolves when sent; failures arrive as `error` events. */
  async sendDtmf(sequence: string): Promise<void> {
    const { dtmfMode, dtmfDurationMs, dtmfGapMs } = this.owner.config;
    const error = await sendDtmfSequence(this.session, this.stateValue, sequence, {
      mode: dtmfMode,
      durationMs: dtmfDurationMs,
      gapMs: dtmfGapMs,
      isLive: () => this.stateValue !== 'ended',
      onTone: (tone, method) => this.events.emit('dtmf', { tone, method }),
    });
    if (error) this.events.emit('error', error);
  }

  /**
   * Blind transfer to `target`, or attended to the party of another answered call of this
   * phone (transfer.ts). Once transferred this call ends, and the consultation ends too: the
   * target's phone hangs it up (RFC 3891 §3), or we do if it has not after a while.
   */
  async transfer(target: string | CallHandle): Promise<TransferEvent> {
    const refers = await this.refers('transfer-failed');
    if (!refers) {
      const failed: TransferEvent = {
        state: 'failed',
        target: typeof target === 'string' ? target : target.remote.uri,
        reason: REFERS_UNAVAILABLE,
      };
      if (typeof target !== 'string') failed.attended = true;
      this.events.emit('transfer', failed);
      return failed;
    }
    if (typeof target === 'string') return refers.transfers.run(target);
    const consultation = target instanceof Call && target !== this ? target : undefined;
    const outcome = await refers.transfers.run(target.remote.uri, {
      session: consultation?.answered ? consultation.session : undefined,
      uri: target.remote.uri,
    });
    if (outcome.state === 'transferred') consultation?.endAsTransferred();
    return outcome;
  }

  /**
   * Tells the far end our warnings and rating as they change (quality/far-end.ts). A hint,
   * never a risk to the call: JsSIP's `sendInfo()` ends the call when its INFO gets a 408
   * or 481 (RTCSession/Info.js `onDialogError`) or cannot be sent (`onTransportError`), and
   * a far end too busy to answer a quality report in time (a loaded agent's browser; the
   * SBC then answers 408) is no reason to hang up on it. So the INFO goes through the
   * dialog's own sender with handlers that only log; while the connection is away the
   * latest report waits for the call's recovery.
   */
  private shareQuality(report: FarEndReport): void {
    const session = this.session;
    if (!session || !this.answered) return;
    if (this.recovery.waiting) {
      this.unsentQuality = report;
      return;
    }
    this.unsentQuality = undefined;
    const { warnings, mos } = report;
    const unanswered = (why: string) =>
      this.owner.log.info(`the far end did not take our quality report (${why}); the call goes on`);
    try {
      inDialog(session).sendRequest('INFO', {
        extraHeaders: [`Content-Type: ${QUALITY_INFO_TYPE}`],
        body: farEndReport(warnings, mos),
        eventHandlers: {
          onErrorResponse: (response) => unanswered(String(response.status_code)),
          onRequestTimeout: () => unanswered('timeout'),
          onTransportError: () => unanswered('connection'),
          onDialogError: () => unanswered('dialog'),
        },
      });
    } catch {
      // JsSIP refuses while the session is being ended: there is no one left to tell.
    }
  }

  /** The consultation of an attended transfer that succeeded: over, as `transferred`. */
  private endAsTransferred(): void {
    const end: EndDescription = { cause: 'transferred', message: endMessage('transferred') };
    this.pendingEnd = end;
    const timer = setTimeout(() => this.terminate({}, end), REPLACED_CALL_BYE_WAIT_MS);
    this.events.on('ended', () => clearTimeout(timer));
  }

  /** Only an answered call gives its place to a transferred one (the phone answers that). */
  private offerPlace(accept: () => void, reject: () => void): void {
    if (!this.answered) {
      reject();
      return;
    }
    this.pendingEnd = { cause: 'replaced', message: endMessage('replaced') };
    this.owner.replace(this, accept);
  }

  /** The call meant to take this one's place did not get through: this one goes on. */
  keepPlace(): void {
    if (this.pendingEnd?.cause === 'replaced') this.pendingEnd = undefined;
  }

  /** The parties added to the call (participants.ts). */
  get participants(): readonly string[] {
    return this.loadedRefers?.parties.participants ?? [];
  }

  /** 3-way call: adds a party to the answered call (participants.ts). */
  async addParticipant(target: string): Promise<ParticipantEvent> {
    const refers = await this.refers('participant-failed');
    return refers
      ? refers.parties.add(target)
      : { state: 'add-failed', target, reason: REFERS_UNAVAILABLE };
  }

  /** Drops a party added before; this call goes on. */
  async removeParticipant(target: string): Promise<ParticipantEvent> {
    const refers = await this.refers('participant-failed');
    return refers
      ? refers.parties.remove(target)
      : { state: 'drop-failed', target, reason: REFERS_UNAVAILABLE };
  }

  /**
   * The call's transfers and added parties, loaded at the first use (call-refers.ts); when
   * their module cannot be loaded (the network is gone), undefined and an `error` event
   * with `code`, and the next use tries again.
   */
  private async refers(
    code: 'transfer-failed' | 'participant-failed',
  ): Promise<CallRefers | undefined> {
    this.refersLoading ??= import('./call-refers').then(({ callRefers }) => {
      const common = {
        session: () => (this.answered ? this.session : undefined),
        domain: () => this.owner.config.domain,
        isEnded: () => this.ended,
        onEnded: (handler: () => void) => this.events.on('ended', handler),
        report: (error: PhoneError) => this.events.emit('error', error),
      };
      this.loadedRefers = callRefers(
        {
          ...common,
          emit: (event) => this.events.emit('transfer', event),
          leave: () =>
            this.terminate({}, { cause: 'transferred', message: endMessage('transferred') }),
        },
        {
          ...common,
          emit: (event) => this.events.emit('participant', event),
          changed: (participants) => this.events.emit('participants', { participants }),
        },
      );
      return this.loadedRefers;
    });
    try {
      return await this.refersLoading;
    } catch (cause) {
      this.refersLoading = undefined;
      this.events.emit('error', {
        code,
        message: `${REFERS_UNAVAILABLE}: ${String(cause)}`,
        cause,
      });
      return undefined;
    }
  }

  /** End the call without a SIP exchange (it never reached the far end). */
  fail(end: EndDescription, error?: PhoneError): void {
    if (error) this.events.emit('error', error);
    this.finish(end);
  }

  /**
   * The phone lost its connection. An answered call waits for it (recovery.ts); one that
   * is still being set up cannot be recovered (its INVITE transaction lived on the lost
   * connection) and ends now.
   */
  connectionLost(): void {
    if (this.ended || this.recovery.waiting) return;
    if (this.answered) {
      this.recovery.lost();
      return;
    }
    if (!this.session) return; // still waiting for the connection: place() handles it
    const message = 'The connection was lost while the call was being set up.';
    this.terminate({}, { cause: 'connection-lost', message });
    if (!this.ended)
      this.finish(lostEnd('the connection was lost while the call was being set up'));
  }

  /** The phone is connected (and registered, for agents) again: keep the call or move its media. */
  async connectionRestored(region: string | undefined): Promise<void> {
    await this.recovery.restored(region);
  }

  /** Recovery is impossible (deadline passed, phone gave up): end with a clear cause. */
  connectionFailed(reason: string): void {
    if (this.ended) return;
    this.events.emit('connection', { state: 'failed' });
    const end = lostEnd(reason);
    this.terminate({}, end);
    // Without a connection JsSIP may not get to end the session: never leave it hanging.
    if (!this.ended) this.finish(end);
  }

  /** Report a microphone failure on the call and the phone. */
  reportMicrophone(error: PhoneError): void {
    this.events.emit('error', error);
    this.owner.onError(error);
  }

  private terminate(
    options: { status_code?: number; reason_phrase?: string },
    end?: EndDescription,
  ) {
    this.pendingEnd = end;
    try {
      this.session?.terminate(options);
    } catch {
      // JsSIP throws when the session already ended; the end event was or will be handled.
    }
  }

  private setRemoteHold(held: boolean): void {
    this.remoteHold.set(held);
    this.refreshAnsweredState();
    this.remoteHold.update();
  }

  private refreshAnsweredState(): void {
    if (!this.answered) return;
    this.setState(this.hold === 'none' ? 'active' : 'on-hold', true);
  }

  private setState(next: CallState, holdChanged = false): void {
    const previous = this.stateValue;
    if (previous === 'ended' || (previous === next && !holdChanged)) return;
    this.stateValue = next;
    this.owner.log.info(`call ${this.id} ${previous} → ${next} (hold: ${this.hold})`);
    this.sounds.sync(next);
    this.owner.onChange(this);
    this.events.emit('state', { state: next, previous, hold: this.hold });
  }

  private sessionEnded(session: RTCSession, event: EndEvent): void {
    if (session !== this.session) return;
    const renew = this.renew;
    this.renew = undefined;
    const unanswered = this.answeredAtValue === undefined && !this.pendingEnd;
    if (renew && unanswered && refusedForCredentials(this.direction, event)) {
      void this.renewSession(renew, event);
    } else this.endWith(event);
  }

  /** Carry on with a new session from `renew`, or end with the refusal in `event`. */
  private async renewSession(renew: Renew, event: EndEvent): Promise<void> {
    // Without a session, hangup() meanwhile simply ends the call (canceled).
    this.session = undefined;
    let session: RTCSession | undefined;
    try {
      session = await renew(this.local.stream);
    } catch (error) {
      this.owner.log.warn('could not send the call again', { error });
    }
    if (this.ended) session?.terminate();
    else if (session) this.attach(session, this.local.stream);
    else this.endWith(event);
  }

  private endWith(event: EndEvent): void {
    let sipStatus = endStatus(event);
    const lost = this.pendingEnd ? undefined : this.recovery.lostInReinvite(event.cause, sipStatus);
    if (lost) {
      this.pendingEnd = lostEnd(lost.reason);
      sipStatus = lost.sipStatus;
    }
    const end =
      this.pendingEnd ??
      describeSessionEnd(event, sipStatus, this.mediaConnected, this.terminateCause);
    this.finish({ ...end, sipStatus });
  }

  private finish(end: EndDescription & { sipStatus?: number | undefined }): void {
    if (this.stateValue === 'ended') return;
    const previous = this.stateValue;
    this.stateValue = 'ended';
    this.endCauseValue = end.cause;
    this.recovery.stop();
    this.remoteHold.stop();
    this.sounds.stop();
    this.local.stop();
    this.owner.onEnded(this);
    this.owner.onChange(this);
    this.events.emit('state', { state: 'ended', previous, hold: this.hold });
    const payload: CallEventMap['ended'] = { cause: end.cause, message: end.message };
    if (end.sipStatus !== undefined) payload.sipStatus = end.sipStatus;
    // Before `ended`, so that `ended` handlers already find `quality.report`.
    this.reportQuality(end.cause);
    this.events.emit('ended', payload);
  }

  private reportQuality(cause: EndCause): void {
    const report = this.monitor.finish({
      callId: this.id,
      direction: this.direction,
      target: this.remoteValue.uri,
      createdAt: this.createdAt,
      answeredAt: this.answeredAtValue,
      endedAt: Date.now(),
      endCause: cause,
      server: this.server,
      region: this.owner.region(),
    });
    this.events.emit('report', report);
    this.owner.onReport(report);
  }
}
