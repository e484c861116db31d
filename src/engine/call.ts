/** One call: a JsSIP RTCSession behind the {@link CallHandle} contract. */
import type { EndEvent, IncomingEvent, OutgoingEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { SoundPlayer } from './audio';
import {
  describeEnd,
  describeLostReinvite,
  type EndDescription,
  endMessage,
  isAuthRejection,
} from './causes';
import type { ResolvedConfig } from './config';
import { parseDtmfSequence } from './dtmf';
import { playDtmf } from './dtmf-sender';
import { Emitter } from './emitter';
import { audioDirection, deriveHoldState, type MediaDirection, shouldPlayHoldMusic } from './hold';
import { boundIceGathering } from './ice';
import { acquireMicrophone, stopStream } from './media';
import { QualityMonitor } from './quality/monitor';
import { sendHoldReinvite } from './reinvite';
import type {
  CallDirection,
  CallEventMap,
  CallHandle,
  CallQuality,
  CallReport,
  CallState,
  EndCause,
  HoldState,
  PhoneError,
  RemoteIdentity,
  Unsubscribe,
} from './types';

/** What a call needs from its phone. */
export interface CallContext {
  config: ResolvedConfig;
  sounds: SoundPlayer;
  /** The call is over: forget it. */
  onEnded(call: Call): void;
  /** An error worth reporting on the phone too (microphone). */
  onError(error: PhoneError): void;
  /** The end-of-call report, after the call's own `report` event. */
  onReport(report: CallReport): void;
  /** The WebSocket server the phone is connected to now. */
  serverUrl(): string | undefined;
  /** The region serving the connection now, when the server tells. */
  region(): string | undefined;
}

/** How often inbound packets are checked while the far end holds us with `sendonly`. */
const SILENCE_POLL_MS = 500;
/** After a reconnect, inbound audio is counted over this window to see whether it flows. */
export const MEDIA_CHECK_MS = 600;

/**
 * What to do with an answered call once the connection is back: media that kept flowing
 * never depended on the lost connection (only signalling went through it), so the call
 * is simply kept; media that stopped needs a re-INVITE with an ICE restart. A call held
 * by either side sends nothing, so silence proves nothing: it is re-INVITEd too.
 */
export function recoveryAction(input: {
  packetsBefore: number;
  packetsAfter: number;
  held: boolean;
}): 'keep' | 'ice-restart' {
  return !input.held && input.packetsAfter > input.packetsBefore ? 'keep' : 'ice-restart';
}

async function inboundAudioPackets(pc: RTCPeerConnection | undefined): Promise<number> {
  if (!pc) return 0;
  let packets = 0;
  const stats = await pc.getStats();
  stats.forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      packets += report.packetsReceived ?? 0;
    }
  });
  return packets;
}

/** Identity of `sip:user@host` (or a bare user) before the far end tells us more. */
export function identityFromUri(uri: string): RemoteIdentity {
  const user = /^sips?:([^@;>]+)@/.exec(uri)?.[1] ?? uri;
  return { uri, user: decodeURIComponent(user), displayName: '' };
}

function sessionIdentity(session: RTCSession): RemoteIdentity {
  const identity = session.remote_identity;
  return {
    uri: identity.uri.toString(),
    user: identity.uri.user ?? '',
    displayName: identity.display_name ?? '',
  };
}

function statusOf(event: EndEvent): number | undefined {
  const message = event.message as { status_code?: unknown } | null | undefined;
  return typeof message?.status_code === 'number' ? message.status_code : undefined;
}

/** The Reason header of the far end's BYE (RFC 3326), which says why it ended the call. */
function reasonOf(event: EndEvent): string | undefined {
  const message = event.message as { method?: unknown; getHeader?: unknown } | null | undefined;
  if (event.originator !== 'remote' || message?.method !== 'BYE') return undefined;
  if (typeof message.getHeader !== 'function') return undefined;
  const reason: unknown = message.getHeader('Reason');
  return typeof reason === 'string' ? reason : undefined;
}

/** JsSIP's in-dialog request sender: public in RTCSession.js, missing from its typings. */
interface InDialogSender {
  sendRequest(
    method: string,
    options?: { eventHandlers?: Record<string, (response?: { status_code?: unknown }) => void> },
  ): unknown;
}

/**
 * JsSIP's renegotiate() drops the server's answer when its re-INVITE fails; the answer
 * still passes through the session's sendRequest(), so the next INVITE's status is read
 * there. Later requests are left alone; the returned function undoes it unused.
 */
function onNextInviteStatus(session: RTCSession, report: (status: number) => void): () => void {
  const sender = session as unknown as InDialogSender;
  const send = sender.sendRequest;
  const restore = () => {
    sender.sendRequest = send;
  };
  sender.sendRequest = (method, options) => {
    if (method === 'INVITE') {
      restore();
      const handlers = options?.eventHandlers ?? {};
      for (const [name, handler] of Object.entries(handlers)) {
        handlers[name] = (response) => {
          if (typeof response?.status_code === 'number') report(response.status_code);
          handler(response);
        };
      }
    }
    return send.call(sender, method, options);
  };
  return restore;
}

export class Call implements CallHandle {
  /** Stable id of this call (not the SIP Call-ID). */
  readonly id = crypto.randomUUID();
  /** `Date.now()` when the call was created. */
  readonly createdAt = Date.now();

  private readonly events = new Emitter<CallEventMap>();
  private session: RTCSession | undefined;
  private localStream: MediaStream | undefined;
  private stateValue: CallState;
  private remoteValue: RemoteIdentity;
  private answeredAtValue: number | undefined;
  private endCauseValue: EndCause | undefined;
  private mutedValue = false;
  private localHold = false;
  private remoteHold = false;
  private remoteOffer: MediaDirection = 'sendrecv';
  private holdBusy = false;
  private holdMusicPlaying = false;
  private earlyMedia = false;
  /** Set before we end a session ourselves, when JsSIP's cause would be less precise. */
  private pendingEnd: EndDescription | undefined;
  private silenceTimer: ReturnType<typeof setInterval> | undefined;
  private lastInbound = { packets: -1, at: 0 };
  /** The server the call's INVITE went through (for the report). */
  private server: string | undefined;
  private readonly monitor: QualityMonitor;
  /** While the connection under the answered call is away: since when, and the deadline. */
  private recovery: { since: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** Set while the ICE-restart re-INVITE is out: a failure ends the call as lost. */
  private reinviting = false;
  /** The status the server answered to that re-INVITE, once it answered. */
  private reinviteStatus: number | undefined;
  /** Sends the call again with fresh credentials after an auth refusal; used once. */
  private renew: (() => Promise<RTCSession | undefined>) | undefined;

  /**
   * @param direction who placed the call
   * @param remote who is at the other end (as far as known)
   */
  constructor(
    readonly direction: CallDirection,
    remote: RemoteIdentity,
    private readonly context: CallContext,
  ) {
    this.remoteValue = remote;
    this.stateValue = direction === 'incoming' ? 'ringing' : 'connecting';
    this.monitor = new QualityMonitor({
      peerConnection: () => this.peerConnection,
      isHeld: () => this.stateValue === 'on-hold',
      onSample: (sample) => this.events.emit('quality', sample),
      onWarning: (change) => this.events.emit('quality-warning', change),
    });
  }

  /** Current state; see {@link CallState}. */
  get state(): CallState {
    return this.stateValue;
  }
  /** Who holds the call. */
  get hold(): HoldState {
    return deriveHoldState(this.localHold, this.remoteHold);
  }
  /** Is our microphone muted? */
  get muted(): boolean {
    return this.mutedValue;
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
  /** Waiting for the connection under the answered call to come back? */
  get reconnecting(): boolean {
    return this.recovery !== undefined;
  }
  /** The media connection (for stats); undefined before media is set up. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.session?.connection ?? undefined;
  }

  /** Latest quality sample, active warnings, and the report once ended. */
  get quality(): CallQuality {
    return this.monitor;
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
  attach(
    session: RTCSession,
    localStream?: MediaStream,
    renew?: () => Promise<RTCSession | undefined>,
  ): void {
    this.session = session;
    this.localStream = localStream;
    this.renew = renew;
    this.remoteValue = sessionIdentity(session);
    this.server = this.context.serverUrl();
    if (this.mutedValue) this.applyMute();
    if (session.connection) this.watchPeerConnection(session.connection);
    session.on('peerconnection', ({ peerconnection }) => this.watchPeerConnection(peerconnection));
    session.on(
      'icecandidate',
      boundIceGathering({
        timeoutMs: this.context.config.iceGatheringTimeoutMs,
        hasIceServers: this.context.config.iceServers.length > 0,
      }),
    );
    session.on('progress', (event: IncomingEvent | OutgoingEvent) => {
      if (this.direction !== 'outgoing') return;
      const response = 'response' in event ? event.response : undefined;
      // A provisional answer with SDP means the far end already sends audio (IVR, prompts).
      if (response?.body) this.earlyMedia = true;
      this.setState(this.earlyMedia ? 'early-media' : 'ringing');
    });
    session.on('accepted', () => {
      this.answeredAtValue = Date.now();
      this.setState('active');
      const { statsIntervalMs, qualityThresholds } = this.context.config;
      this.monitor.start({ intervalMs: statsIntervalMs, thresholds: qualityThresholds });
    });
    session.on('sdp', ({ originator, type, sdp }) => {
      if (originator === 'remote' && type === 'offer') this.remoteOffer = audioDirection(sdp);
    });
    session.on('hold', ({ originator }) => {
      if (originator === 'remote') this.setRemoteHold(true);
    });
    session.on('unhold', ({ originator }) => {
      if (originator === 'remote') this.setRemoteHold(false);
    });
    // JsSIP ends the call on these without saying why; the browser's reason helps debugging.
    session.on('peerconnection:setremotedescriptionfailed', (error) =>
      console.warn('[softphone] the far end SDP was refused', error),
    );
    session.on('ended', (event) => this.sessionEnded(session, event));
    session.on('failed', (event) => this.sessionEnded(session, event));
    this.syncSounds();
  }

  /** Answer an incoming call: microphone first; without one the call is refused. */
  async answer(): Promise<void> {
    const session = this.session;
    if (this.direction !== 'incoming' || this.stateValue !== 'ringing' || !session) return;
    this.context.sounds.stop('ringtone');
    const microphone = await acquireMicrophone();
    if (this.ended) {
      if (microphone.ok) stopStream(microphone.stream);
      return;
    }
    if (!microphone.ok) {
      this.reportMicrophone(microphone.error);
      this.terminate(
        { status_code: 480, reason_phrase: 'Microphone Unavailable' },
        {
          cause: 'microphone',
          message: microphone.error.message,
        },
      );
      return;
    }
    this.localStream = microphone.stream;
    try {
      session.answer({
        mediaStream: microphone.stream,
        pcConfig: { iceServers: this.context.config.iceServers },
      });
      if (this.mutedValue) this.applyMute();
    } catch (error) {
      this.finish({ cause: 'failed', message: `${endMessage('failed')} (${String(error)})` });
    }
  }

  /** Refuse an incoming call (603 Decline). */
  reject(): void {
    if (this.direction !== 'incoming' || this.stateValue !== 'ringing') return;
    this.terminate(
      { status_code: 603, reason_phrase: 'Decline' },
      {
        cause: 'declined',
        message: endMessage('declined'),
      },
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

  /** Mute or unmute our microphone. */
  setMuted(muted: boolean): void {
    if (this.stateValue === 'ended' || muted === this.mutedValue) return;
    this.mutedValue = muted;
    this.applyMute();
    this.events.emit('muted', { muted });
  }

  /** Hold (`true`) or resume (`false`); the state changes only once the far end accepted. */
  setHold(held: boolean): Promise<void> {
    return this.changeLocalHold(held);
  }

  /** Send digits (`,` pauses 2 s); resolves when sent; failures arrive as `error` events. */
  async sendDtmf(sequence: string): Promise<void> {
    const parsed = parseDtmfSequence(sequence);
    if (!parsed.ok) {
      this.events.emit('error', parsed.error);
      return;
    }
    const session = this.session;
    const live = ['early-media', 'active', 'on-hold'];
    if (!session || !live.includes(this.stateValue)) {
      this.events.emit('error', {
        code: 'dtmf-failed',
        message: 'Digits can only be sent while the call is connected.',
      });
      return;
    }
    const { dtmfMode, dtmfDurationMs, dtmfGapMs } = this.context.config;
    const error = await playDtmf(session, parsed.steps, {
      mode: dtmfMode,
      durationMs: dtmfDurationMs,
      gapMs: dtmfGapMs,
      isLive: () => this.stateValue !== 'ended',
      onTone: (tone, method) => this.events.emit('dtmf', { tone, method }),
    });
    if (error) this.events.emit('error', error);
  }

  /** End the call without a SIP exchange (it never reached the far end). */
  fail(end: EndDescription, error?: PhoneError): void {
    if (error) this.events.emit('error', error);
    this.finish(end);
  }

  /**
   * The phone lost its connection. An answered call waits for it (up to
   * `callRecoveryTimeoutMs`); one that is still being set up cannot be recovered (its
   * INVITE transaction lived on the lost connection) and ends now.
   */
  connectionLost(): void {
    if (this.ended || this.recovery) return;
    const answered = this.stateValue === 'active' || this.stateValue === 'on-hold';
    if (!answered) {
      if (!this.session) return; // still waiting for the connection: place() handles it
      this.terminate(
        {},
        {
          cause: 'connection-lost',
          message: 'The connection was lost while the call was being set up.',
        },
      );
      if (!this.ended)
        this.finish(this.lostEnd('the connection was lost while the call was being set up'));
      return;
    }
    const timeoutMs = this.context.config.callRecoveryTimeoutMs;
    this.recovery = {
      since: Date.now(),
      timer: setTimeout(
        () =>
          this.connectionFailed(
            `the connection did not come back within ${Math.round(timeoutMs / 1000)} s`,
          ),
        timeoutMs,
      ),
    };
    this.events.emit('connection', { state: 'reconnecting' });
  }

  /** The phone is connected (and registered) again: keep the call, or move its media. */
  async connectionRestored(region: string | undefined): Promise<void> {
    const recovery = this.recovery;
    if (!recovery || this.ended || this.reinviting) return;
    const pc = this.peerConnection;
    const packetsBefore = await inboundAudioPackets(pc);
    await new Promise((resolve) => setTimeout(resolve, MEDIA_CHECK_MS));
    if (this.ended || this.recovery !== recovery) return;
    const packetsAfter = await inboundAudioPackets(pc);
    const held = this.hold !== 'none';
    if (recoveryAction({ packetsBefore, packetsAfter, held }) === 'keep') {
      this.recovered('media-kept', region);
      return;
    }
    const session = this.session;
    this.reinviting = true;
    this.reinviteStatus = undefined;
    const unwatch = session
      ? onNextInviteStatus(session, (status) => {
          this.reinviteStatus = status;
        })
      : undefined;
    // JsSIP terminates the call itself when the re-INVITE fails (error response, timeout,
    // transport error); `reinviting` makes that end a clear `connection-lost`.
    const sent = session?.renegotiate({ rtcOfferConstraints: { iceRestart: true } }, () => {
      this.reinviting = false;
      this.recovered('ice-restart', region);
    });
    if (!sent) {
      unwatch?.();
      this.reinviting = false;
      this.connectionFailed('the call could not be renegotiated on the new connection');
    }
  }

  /** Recovery is impossible (deadline passed, phone gave up): end with a clear cause. */
  connectionFailed(reason: string): void {
    if (this.ended) return;
    this.events.emit('connection', { state: 'failed' });
    const end = this.lostEnd(reason);
    this.terminate({}, end);
    // Without a connection JsSIP may not get to end the session: never leave it hanging.
    if (!this.ended) this.finish(end);
  }

  private recovered(how: 'media-kept' | 'ice-restart', region: string | undefined): void {
    const recovery = this.recovery;
    if (!recovery) return;
    clearTimeout(recovery.timer);
    this.recovery = undefined;
    const event: CallEventMap['connection'] = {
      state: 'recovered',
      how,
      recoveryMs: Date.now() - recovery.since,
    };
    if (region !== undefined) event.region = region;
    this.events.emit('connection', event);
  }

  private lostEnd(reason: string): EndDescription {
    return { cause: 'connection-lost', message: `The call was lost: ${reason}.` };
  }

  /** Report a microphone failure on the call and the phone. */
  reportMicrophone(error: PhoneError): void {
    this.events.emit('error', error);
    this.context.onError(error);
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

  private applyMute(): void {
    for (const track of this.localStream?.getAudioTracks() ?? []) track.enabled = !this.mutedValue;
    // JsSIP keeps its own flag so that a remote unhold does not re-enable the track; its
    // mute() needs the peer connection (an incoming call has none before answer()).
    if (!this.session?.connection) return;
    if (this.mutedValue) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
  }

  private async changeLocalHold(hold: boolean): Promise<void> {
    const session = this.session;
    const answered = this.stateValue === 'active' || this.stateValue === 'on-hold';
    if (!session || !answered || this.localHold === hold || this.holdBusy) return;
    this.holdBusy = true;
    const result = await sendHoldReinvite(session, hold, this.localStream?.getAudioTracks()[0]);
    this.holdBusy = false;
    if (this.ended) return;
    if (result.ok) {
      this.localHold = hold;
      this.refreshAnsweredState();
      return;
    }
    this.events.emit('error', {
      code: 'hold-failed',
      message: `Could not ${hold ? 'hold' : 'resume'} the call: ${result.reason}.`,
      cause: result,
    });
    if (result.dialogGone) this.terminate({});
  }

  private setRemoteHold(held: boolean): void {
    this.remoteHold = held;
    this.lastInbound = { packets: -1, at: Date.now() };
    clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
    if (held && this.remoteOffer === 'sendonly') {
      this.silenceTimer = setInterval(() => void this.checkInboundSilence(), SILENCE_POLL_MS);
    }
    this.refreshAnsweredState();
    this.updateHoldMusic(undefined);
  }

  private async checkInboundSilence(): Promise<void> {
    const pc = this.peerConnection;
    if (!pc) return;
    let packets = 0;
    const stats = await pc.getStats();
    stats.forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio') {
        packets += report.packetsReceived ?? 0;
      }
    });
    const now = Date.now();
    if (packets !== this.lastInbound.packets) this.lastInbound = { packets, at: now };
    this.updateHoldMusic(now - this.lastInbound.at);
  }

  private updateHoldMusic(inboundSilentMs: number | undefined): void {
    const play =
      this.stateValue !== 'ended' &&
      shouldPlayHoldMusic({
        remoteHold: this.remoteHold,
        offered: this.remoteOffer,
        inboundSilentMs,
      });
    if (play === this.holdMusicPlaying) return;
    this.holdMusicPlaying = play;
    if (play) this.context.sounds.playFile('hold-music', this.context.config.holdMusicUrl);
    else this.context.sounds.stop('hold-music');
    this.events.emit('hold-music', { playing: play });
  }

  private refreshAnsweredState(): void {
    if (this.stateValue !== 'active' && this.stateValue !== 'on-hold') return;
    this.setState(this.hold === 'none' ? 'active' : 'on-hold', true);
  }

  private setState(next: CallState, holdChanged = false): void {
    const previous = this.stateValue;
    if (previous === 'ended' || (previous === next && !holdChanged)) return;
    this.stateValue = next;
    this.syncSounds();
    this.events.emit('state', { state: next, previous, hold: this.hold });
  }

  /** Ringback while an outgoing call rings, ringtone while an incoming one does. */
  private syncSounds(): void {
    const { sounds, config } = this.context;
    const ringing = this.stateValue === 'ringing';
    if (ringing && this.direction === 'outgoing') sounds.playFile('ringback', config.ringbackUrl);
    else sounds.stop('ringback');
    if (ringing && this.direction === 'incoming') sounds.playFile('ringtone', config.ringtoneUrl);
    else sounds.stop('ringtone');
  }

  private watchPeerConnection(pc: RTCPeerConnection): void {
    pc.addEventListener('track', (event) => {
      if (event.track.kind !== 'audio' || this.stateValue === 'ended') return;
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      this.context.sounds.playStream('remote-audio', stream);
    });
  }

  private sessionEnded(session: RTCSession, event: EndEvent): void {
    if (session !== this.session) return;
    const renew = this.renew;
    this.renew = undefined;
    const refusedCredentials =
      this.direction === 'outgoing' &&
      this.answeredAtValue === undefined &&
      !this.pendingEnd &&
      event.originator === 'remote' &&
      isAuthRejection(statusOf(event));
    if (renew && refusedCredentials) {
      void this.renewSession(renew, event);
      return;
    }
    this.endWith(event);
  }

  /** Carry on with a new session from `renew`, or end with the refusal in `event`. */
  private async renewSession(
    renew: () => Promise<RTCSession | undefined>,
    event: EndEvent,
  ): Promise<void> {
    // Without a session, hangup() meanwhile simply ends the call (canceled).
    this.session = undefined;
    let session: RTCSession | undefined;
    try {
      session = await renew();
    } catch (error) {
      console.warn('[softphone] could not send the call again', error);
    }
    if (this.ended) {
      session?.terminate();
      return;
    }
    if (session) this.attach(session, this.localStream);
    else this.endWith(event);
  }

  private endWith(event: EndEvent): void {
    let sipStatus = statusOf(event);
    const lost =
      this.reinviting && !this.pendingEnd
        ? describeLostReinvite({ cause: event.cause, statusCode: this.reinviteStatus ?? sipStatus })
        : undefined;
    if (lost) {
      this.pendingEnd = this.lostEnd(lost.reason);
      sipStatus = lost.sipStatus;
    }
    const end =
      this.pendingEnd ??
      describeEnd({
        originator: event.originator,
        cause: event.cause,
        statusCode: sipStatus,
        reason: reasonOf(event),
      });
    this.finish({ ...end, sipStatus });
  }

  private finish(end: EndDescription & { sipStatus?: number | undefined }): void {
    if (this.stateValue === 'ended') return;
    const previous = this.stateValue;
    this.stateValue = 'ended';
    this.endCauseValue = end.cause;
    this.reinviting = false;
    if (this.recovery) {
      clearTimeout(this.recovery.timer);
      this.recovery = undefined;
    }
    clearInterval(this.silenceTimer);
    this.updateHoldMusic(undefined);
    this.syncSounds();
    this.context.sounds.stop('remote-audio');
    stopStream(this.localStream);
    this.context.onEnded(this);
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
      region: this.context.region(),
    });
    this.events.emit('report', report);
    this.context.onReport(report);
  }
}
