/**
 * One call leg: its dialog, its RTP session, its hold state and its timeline. Services
 * drive what it plays; the user agent feeds it the SIP requests of its dialog.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CallContext, TimelineEntry } from './context.js';
import type { HoldDirection } from './ivr/config.js';
import type { Codec } from './media/g711.js';
import type { ImpairDirection, ImpairmentSettings } from './media/impairment.js';
import type { BoundPair } from './media/ports.js';
import { type NegotiatedMedia, RtpSession, type StreamStats } from './media/rtp-session.js';
import {
  type AudioOffer,
  answerDirection,
  type Direction,
  OFFERED_CODECS,
  OFFERED_TELEPHONE_EVENT_PT,
  parseAudio,
  receives,
  SdpError,
  sends,
  writeSdp,
} from './media/sdp.js';
import type { Sound } from './media/sounds.js';
import { type FrameSource, LoopPlayer, PromptPlayer, silence } from './media/sources.js';
import { safeTimeout } from './safe.js';
import type { Bridge } from './services/bridge.js';
import type { Conference } from './services/conference.js';
import type { Dialog } from './sip/dialog.js';
import {
  getHeader,
  parseCSeq,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip/message.js';
import { expiryDeadlineMs, readSessionExpires, supportsTimer } from './sip/session-timer.js';
import type { ServerTransaction } from './sip/transactions.js';

export type CallState = 'ringing' | 'answered' | 'ended';
export type DigitMethod = 'rfc4733' | 'info';

export interface CallService {
  readonly name: string;
  start(): void;
  onDigit(digit: string, method: DigitMethod): void;
  onAudio?(payload: Buffer, codec: Codec): void;
  onSent?(payload: Buffer, codec: Codec, now: number): void;
  onSkipped?(frames: number, now: number): void;
  stop(): void;
}

/** What the server takes, in every Allow it sends: REFER to transfer (services/transfer.ts). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY';
const GLARE_ATTEMPTS = 3;
export const MAX_TIMELINE_ENTRIES = 10_000;
const SDP_TYPE: SipHeader = { name: 'content-type', value: 'application/sdp' };

export interface CallInit {
  callId: string;
  direction: 'inbound' | 'outbound';
  serviceName: string;
  from: string;
  to: string;
  ports: BoundPair;
  media: NegotiatedMedia;
  /** The caller's context header (X-Context), passed on to an agent the call is bridged to. */
  callerContext?: string | undefined;
}

export class Call implements FrameSource {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly serviceName: string;
  readonly from: string;
  readonly to: string;
  /** The caller's context (the INVITE's X-Context, see callerContextOf in ua.ts). */
  readonly callerContext: string | undefined;
  readonly timeline: TimelineEntry[] = [];
  readonly startedAt = Date.now();
  readonly rtp: RtpSession;
  state: CallState = 'ringing';
  answeredAt: number | undefined;
  endedAt: number | undefined;
  endReason: string | undefined;
  dialog: Dialog | undefined;
  /** Direction of the remote's latest SDP, from the remote's point of view. */
  remoteDirection: Direction = 'sendrecv';
  localHold: HoldDirection | undefined;
  /** Frames the service wants the remote to hear (overridden by music while we hold). */
  serviceSource: FrameSource = silence;
  /** The bridge this leg is in (services/bridge.ts), until it is released. */
  bridge: Bridge | undefined;
  /** The conference this leg is in (services/conference.ts), until it leaves it. */
  conference: Conference | undefined;
  /** Gives up a call that is not answered yet: a final response to the INVITE, or a CANCEL. */
  abortRinging: (() => void) | undefined;
  /** The `ended` reason when the remote's BYE ends the call (`transferred` once it did). */
  remoteByeReason = 'remote-bye';

  private service: CallService | undefined;
  private holdMusic: LoopPlayer | undefined;
  private readonly ports: BoundPair;
  private readonly sdpSessionId = randomInt(1, 2 ** 31);
  private sdpVersion = 1;
  private lastLocalSdp = '';
  private reinvitePending = false;
  private answerExpectedInAck = false;
  private readonly unacknowledged = new Map<number, NodeJS.Timeout>();
  private readonly ackWaiters: (() => void)[] = [];
  private sessionTimer: NodeJS.Timeout | undefined;
  private lastStatsAt = performance.now();
  private readonly endedListeners: ((call: Call) => void)[] = [];

  constructor(
    private readonly ctx: CallContext,
    init: CallInit,
  ) {
    this.id = init.callId;
    this.direction = init.direction;
    this.serviceName = init.serviceName;
    this.from = init.from;
    this.to = init.to;
    this.callerContext = init.callerContext;
    this.ports = init.ports;
    this.rtp = new RtpSession(init.ports, init.media, ctx.clock, ctx.settings.rtcpIntervalMs);
    this.rtp.source = this;
    this.rtp.sending = false;
    this.rtp.onDigit = (digit) => this.digit(digit, 'rfc4733');
    this.rtp.onAudio = (payload, codec) => this.service?.onAudio?.(payload, codec);
    this.rtp.onSent = (payload, codec, now) => this.service?.onSent?.(payload, codec, now);
    this.rtp.onSkipped = (frames, now) => this.service?.onSkipped?.(frames, now);
  }

  /** The other leg while bridged (still named once the call ended bridged). */
  get peer(): Call | undefined {
    return this.bridge?.peerOf(this);
  }

  get localDirection(): Direction {
    return answerDirection(this.remoteDirection, this.localHold);
  }

  /** No RTP timeout while nobody should be sending to us. */
  get expectsMedia(): boolean {
    return this.state === 'answered' && receives(this.localDirection);
  }

  /** The remote put us on hold: its SDP says it will not receive (sendonly or inactive). */
  get remoteHeld(): boolean {
    return !receives(this.remoteDirection);
  }

  nextFrame(codec: Codec): Buffer | undefined {
    if (this.localHold === 'sendonly') {
      this.holdMusic ??= new LoopPlayer(this.musicSound());
      return this.holdMusic.nextFrame(codec);
    }
    return this.serviceSource.nextFrame(codec);
  }

  record(type: string, fields: Record<string, unknown> = {}): void {
    const entry: TimelineEntry = { t: Date.now(), callId: this.id, type, ...fields };
    // The caller decides how many digits and re-INVITEs a call has: keep memory bounded.
    // (10 000 entries is a 13-hour call's rtp-stats; the event stream still sees everything.)
    if (this.timeline.length < MAX_TIMELINE_ENTRIES) this.timeline.push(entry);
    else if (this.timeline.length === MAX_TIMELINE_ENTRIES) {
      this.timeline.push({ t: entry.t, callId: this.id, type: 'timeline-truncated' });
    }
    this.ctx.bus.emit('entry', entry);
  }

  /** Runs `listener` when the call ends (at once if it has); returns what takes it back. */
  onEnded(listener: (call: Call) => void): () => void {
    if (this.state === 'ended') {
      listener(this);
      return () => {};
    }
    this.endedListeners.push(listener);
    return () => {
      const index = this.endedListeners.indexOf(listener);
      if (index >= 0) this.endedListeners.splice(index, 1);
    };
  }

  setService(service: CallService): void {
    this.service?.stop();
    this.service = service;
    if (this.state === 'answered') service.start();
  }

  /** Plays prompts; `onDone` runs when the last frame went out. */
  play(names: string[], onDone?: () => void): void {
    this.serviceSource = new PromptPlayer(
      names.map((name) => this.ctx.sounds.get(name)),
      onDone,
    );
  }

  playMusic(): void {
    this.serviceSource = new LoopPlayer(this.musicSound());
  }

  musicSound(): Sound {
    return this.ctx.sounds.get(this.ctx.ivr.music);
  }

  digit(digit: string, method: DigitMethod): void {
    if (this.state !== 'answered') return;
    this.record('digit', { digit, method });
    this.service?.onDigit(digit, method);
  }

  // ---- offer/answer ---------------------------------------------------------------

  /** Applies a remote offer and returns our answer; throws SdpError when unusable. */
  acceptOffer(body: Buffer): string {
    const offer = parseAudio(body.toString('utf8'));
    const chosen = offer.codecs[0];
    if (!chosen) throw new SdpError('no PCMU or PCMA offered');
    this.applyRemote(offer, chosen);
    return this.localSdp([chosen], offer.telephoneEventPt, this.localDirection);
  }

  /** Applies the remote answer to an offer we made. */
  acceptAnswer(body: Buffer): void {
    const answer = parseAudio(body.toString('utf8'));
    const chosen = answer.codecs[0];
    if (!chosen) throw new SdpError('answer has no PCMU or PCMA');
    this.applyRemote(answer, chosen);
  }

  offerSdp(direction: Direction): string {
    return this.localSdp(OFFERED_CODECS, OFFERED_TELEPHONE_EVENT_PT, direction);
  }

  /** RFC 3264 §8: the o= version moves only when the description changes. */
  private localSdp(
    codecs: { payloadType: number; codec: Codec }[],
    te: number | undefined,
    direction: Direction,
  ): string {
    const build = (version: number): string =>
      writeSdp({
        address: this.ctx.local.host,
        port: this.rtp.localPort,
        sessionId: this.sdpSessionId,
        version,
        direction,
        codecs,
        telephoneEventPt: te,
      });
    const unchanged = build(this.sdpVersion);
    if (unchanged === this.lastLocalSdp) return unchanged;
    this.sdpVersion++;
    this.lastLocalSdp = build(this.sdpVersion);
    return this.lastLocalSdp;
  }

  private applyRemote(sdp: AudioOffer, chosen: { payloadType: number; codec: Codec }): void {
    this.rtp.update({
      remote: { address: sdp.address, port: sdp.port },
      remoteRtcp: { address: sdp.address, port: sdp.rtcpPort },
      codec: chosen.codec,
      payloadType: chosen.payloadType,
      telephoneEventPt: sdp.telephoneEventPt,
    });
    const wasHeld = this.remoteHeld;
    const previous = this.remoteDirection;
    this.remoteDirection = sdp.direction;
    if (this.state === 'answered') {
      if (this.remoteHeld && (!wasHeld || previous !== sdp.direction)) {
        this.record('hold', { direction: sdp.direction, by: 'remote' });
        // The hold timeout counts from the hold.
        this.rtp.resetReceiveTimer();
      }
      if (wasHeld && !this.remoteHeld) {
        this.record('unhold', { by: 'remote' });
        this.rtp.resetReceiveTimer();
      }
    }
    this.applyDirection();
  }

  private applyDirection(): void {
    this.rtp.sending = this.state === 'answered' && sends(this.localDirection);
  }

  // ---- requests from the remote -----------------------------------------------------

  /** The initial INVITE: answer with 200 and start the service. */
  answer(tx: ServerTransaction, answerSdp: string): void {
    if (this.state !== 'ringing') return;
    this.sendSuccess(tx, answerSdp);
    this.markAnswered();
  }

  markAnswered(): void {
    if (this.state !== 'ringing') return;
    this.state = 'answered';
    this.answeredAt = Date.now();
    this.record('answered', {
      codec: this.rtp.codec,
      telephoneEventPt: this.rtp.telephoneEventPt ?? null,
    });
    this.rtp.resetReceiveTimer();
    this.applyDirection();
    this.service?.start();
  }

  /** The remote's INVITE is CANCELled or refused before we answered. */
  reject(tx: ServerTransaction, status: number, reason: string): void {
    tx.respond(status, { toTag: this.dialog?.localTag });
    this.end(reason);
  }

  handleAck(request: SipRequest): void {
    const seq = parseCSeq(getHeader(request, 'cseq'))?.seq ?? -1;
    const timer = this.unacknowledged.get(seq);
    if (!timer) return;
    clearTimeout(timer);
    this.unacknowledged.delete(seq);
    if (this.answerExpectedInAck) {
      this.answerExpectedInAck = false;
      try {
        this.acceptAnswer(request.body);
      } catch (error) {
        // RFC 3261 13.2.2.4: an unusable answer in the ACK leaves only BYE.
        this.hangup(`bad-answer-in-ack: ${(error as Error).message}`);
      }
    }
    if (this.unacknowledged.size === 0) this.wakeAckWaiters();
  }

  private wakeAckWaiters(): void {
    for (const wake of this.ackWaiters.splice(0)) wake();
  }

  /**
   * The SDP of a 2xx to an INVITE: the answer to its offer, or, for an INVITE without SDP
   * (late offer), our offer, whose answer then arrives in the ACK.
   */
  sdpForInvite(invite: SipRequest): string {
    if (invite.body.length > 0) return this.acceptOffer(invite.body);
    this.answerExpectedInAck = true;
    return this.offerSdp(this.localHold ?? 'sendrecv');
  }

  handleReinvite(tx: ServerTransaction): void {
    if (this.reinvitePending) {
      tx.respond(491, { toTag: this.dialog?.localTag });
      return;
    }
    this.dialog?.refreshTarget(tx.request);
    // Every re-offer is on the timeline, so a test can tell a change that needed one
    // (hold) from one that must not (a microphone swapped with replaceTrack).
    this.record('reoffer', { method: 'INVITE' });
    let answerSdp: string;
    try {
      answerSdp = this.sdpForInvite(tx.request);
    } catch (error) {
      tx.respond(488, {
        toTag: this.dialog?.localTag,
        reason: (error as Error).message.slice(0, 60),
      });
      return;
    }
    this.sendSuccess(tx, answerSdp);
  }

  handleUpdate(tx: ServerTransaction): void {
    this.dialog?.refreshTarget(tx.request);
    if (tx.request.body.length === 0) {
      this.sendSuccess(tx, undefined);
      return;
    }
    this.record('reoffer', { method: 'UPDATE' });
    try {
      this.sendSuccess(tx, this.acceptOffer(tx.request.body));
    } catch (error) {
      tx.respond(488, {
        toTag: this.dialog?.localTag,
        reason: (error as Error).message.slice(0, 60),
      });
    }
  }

  handleBye(tx: ServerTransaction): void {
    tx.respond(200, { toTag: this.dialog?.localTag });
    this.record('bye', { by: 'remote' });
    this.end(this.remoteByeReason);
  }

  /** 2xx with our SDP; INVITE 2xx are retransmitted until the ACK (RFC 3261 13.3.1.4). */
  private sendSuccess(tx: ServerTransaction, sdp: string | undefined): void {
    const headers: SipHeader[] = [
      { name: 'contact', value: this.contact() },
      { name: 'allow', value: ALLOW },
      { name: 'supported', value: 'timer' },
      ...this.negotiateSessionTimer(tx.request),
    ];
    if (sdp) headers.push(SDP_TYPE);
    const response = tx.respond(200, {
      toTag: this.dialog?.localTag,
      headers,
      body: sdp ? Buffer.from(sdp) : undefined,
    });
    if (tx.request.method === 'INVITE') this.retransmitUntilAck(tx, response);
  }

  private retransmitUntilAck(tx: ServerTransaction, response: SipResponse): void {
    const seq = parseCSeq(getHeader(tx.request, 'cseq'))?.seq ?? 0;
    const { t1, t2 } = this.ctx.transactions.timers;
    const giveUpAt = performance.now() + 64 * t1;
    let interval = t1;
    const resend = (): void => {
      if (this.state === 'ended') return;
      if (performance.now() >= giveUpAt) {
        this.unacknowledged.delete(seq);
        this.ctx.log.warn('no ACK for 2xx', { callId: this.id });
        this.hangup('no-ack');
        return;
      }
      this.ctx.transport.send(response, tx.source);
      interval = Math.min(interval * 2, t2);
      this.unacknowledged.set(seq, safeTimeout('2xx retransmission', resend, interval));
    };
    this.unacknowledged.set(seq, safeTimeout('2xx retransmission', resend, interval));
  }

  private negotiateSessionTimer(request: SipRequest): SipHeader[] {
    const requested = readSessionExpires(request);
    if (!requested) {
      // A refresh without Session-Expires switches the session timer off (RFC 4028 §9).
      clearTimeout(this.sessionTimer);
      return [];
    }
    const refresher = requested.refresher ?? 'uac';
    const weRefresh = refresher === 'uas';
    this.armSessionTimer(requested.expires, weRefresh);
    const headers: SipHeader[] = [
      { name: 'session-expires', value: `${requested.expires};refresher=${refresher}` },
    ];
    if (supportsTimer(request)) headers.push({ name: 'require', value: 'timer' });
    return headers;
  }

  /** Our own refresh (or the remote's) keeps the session; silence past the deadline ends it. */
  armSessionTimer(expiresSeconds: number, weRefresh: boolean): void {
    clearTimeout(this.sessionTimer);
    if (weRefresh) {
      this.sessionTimer = safeTimeout(
        'session timer',
        () => this.refreshSession(expiresSeconds),
        (expiresSeconds * 1000) / 2,
      );
    } else {
      this.sessionTimer = safeTimeout(
        'session timer',
        () => this.hangup('session-expired'),
        expiryDeadlineMs(expiresSeconds),
      );
    }
  }

  private refreshSession(expiresSeconds: number): void {
    if (this.state !== 'answered' || !this.dialog) return;
    const headers: SipHeader[] = [
      { name: 'session-expires', value: `${expiresSeconds};refresher=uac` },
      { name: 'supported', value: 'timer' },
    ];
    this.sendInDialog('UPDATE', headers, undefined, (response) => {
      if (response.status >= 200 && response.status < 300) {
        const granted = readSessionExpires(response);
        this.armSessionTimer(granted?.expires ?? expiresSeconds, granted?.refresher !== 'uas');
      } else if (response.status >= 300) {
        this.hangup('session-refresh-failed');
      }
    });
  }

  // ---- requests we send -----------------------------------------------------------

  /** Server-side hold: a re-INVITE offering sendonly (music) or inactive (silence). */
  hold(direction: HoldDirection): Promise<void> {
    return this.reinvite(direction).then(() => this.record('hold', { direction, by: 'local' }));
  }

  unhold(): Promise<void> {
    return this.reinvite(undefined).then(() => this.record('unhold', { by: 'local' }));
  }

  private async reinvite(hold: HoldDirection | undefined): Promise<void> {
    if (this.state !== 'answered' || !this.dialog) throw new Error('call is not answered');
    if (this.reinvitePending) throw new Error('another re-INVITE is in progress');
    this.reinvitePending = true;
    try {
      // RFC 3261 14.1: no new INVITE while the previous one still waits for its ACK.
      await this.untilAcknowledged();
      for (let attempt = 1; ; attempt++) {
        const response = await this.sendReinvite(hold);
        if (response.status < 300) return;
        if (response.status !== 491 || attempt >= GLARE_ATTEMPTS) {
          throw new Error(`re-INVITE answered ${response.status} ${response.reason}`);
        }
        // Glare: retry after a random 0-2 s, as RFC 3261 14.1 asks of the side that did not
        // create the Call-ID (every re-INVITE this server sends is in someone else's call
        // or in one the peer answers first, so the short range is the polite choice).
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2000));
      }
    } finally {
      this.reinvitePending = false;
    }
  }

  private untilAcknowledged(): Promise<void> {
    if (this.unacknowledged.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.ackWaiters.push(resolve));
  }

  /** One re-INVITE transaction; applies the answer of a 2xx and ACKs every copy of it. */
  private sendReinvite(hold: HoldDirection | undefined): Promise<SipResponse> {
    if (this.state !== 'answered') return Promise.reject(new Error('call ended'));
    const sdp = this.offerSdp(hold ?? 'sendrecv');
    return new Promise((resolve, reject) => {
      let ack: SipRequest | undefined;
      const invite = this.sendInDialog(
        'INVITE',
        [{ name: 'allow', value: ALLOW }, SDP_TYPE],
        Buffer.from(sdp),
        (response) => {
          if (response.status < 200) return;
          if (response.status >= 300) {
            resolve(response);
            return;
          }
          const dialog = this.dialog;
          if (!dialog || this.state === 'ended') return;
          const first = ack === undefined;
          const seq = parseCSeq(getHeader(invite, 'cseq'))?.seq;
          ack ??= dialog.createRequest('ACK', this.ctx.local, [], Buffer.alloc(0), seq);
          this.ctx.transport.send(ack, dialog.nextHop(this.ctx.settings.proxy));
          if (!first) return;
          this.localHold = hold;
          try {
            if (response.body.length > 0) this.acceptAnswer(response.body);
            else this.applyDirection();
            if (hold === undefined) this.rtp.resetReceiveTimer();
            resolve(response);
          } catch (error) {
            reject(error);
          }
        },
      );
    });
  }

  hangup(reason: string): void {
    if (this.state === 'ended') return;
    if (this.state === 'ringing') this.abortRinging?.();
    if (this.state === 'answered' && this.dialog) {
      const cause =
        reason === 'rtp-timeout' || reason === 'rtp-hold-timeout'
          ? 'cause=102;text="RTP timeout"'
          : `cause=16;text="${reason}"`;
      this.sendInDialog('BYE', [{ name: 'reason', value: `Q.850;${cause}` }], undefined, () => {});
      this.record('bye', { by: 'local', reason });
    }
    this.end(reason);
  }

  sendInDialog(
    method: string,
    headers: SipHeader[],
    body: Buffer | undefined,
    onResponse: (response: SipResponse) => void,
  ): SipRequest {
    const dialog = this.dialog!;
    const request = dialog.createRequest(method, this.ctx.local, headers, body);
    this.ctx.transactions.sendRequest(request, dialog.nextHop(this.ctx.settings.proxy), onResponse);
    return request;
  }

  contact(): string {
    return `<sip:${this.ctx.local.user}@${this.ctx.local.host}:${this.ctx.local.port}>`;
  }

  // ---- housekeeping and end ---------------------------------------------------------

  /**
   * Called about once a second by the user agent. A far end that holds the call may send
   * nothing at all (a `sendonly` offer says it may send, not that it will: our widget sends
   * no track while holding, src/engine/reinvite.ts), so while held only the much longer hold
   * timeout applies, as FreeSWITCH keeps rtp-timeout-sec and rtp-hold-timeout-sec apart.
   */
  housekeeping(now: number): void {
    if (this.state !== 'answered') return;
    const { rtpTimeoutMs, rtpHoldTimeoutMs } = this.ctx.settings;
    const timeoutMs = this.remoteHeld ? rtpHoldTimeoutMs : rtpTimeoutMs;
    if (this.expectsMedia && now - this.rtp.lastReceivedAt > timeoutMs) {
      this.hangup(this.remoteHeld ? 'rtp-hold-timeout' : 'rtp-timeout');
      return;
    }
    if (now - this.lastStatsAt >= this.ctx.settings.statsIntervalMs) {
      this.lastStatsAt = now;
      this.record('rtp-stats', { ...this.rtp.snapshot() });
    }
  }

  stats(): StreamStats {
    return this.rtp.snapshot();
  }

  /** Test impairment of this leg's media (control API), recorded on the timeline. */
  impair(direction: ImpairDirection, settings: ImpairmentSettings): void {
    this.rtp.impairment.configure(direction, settings);
    this.record('impair', { direction, ...settings });
  }

  end(reason: string): void {
    if (this.state === 'ended') return;
    const wasAnswered = this.state === 'answered';
    this.state = 'ended';
    this.endedAt = Date.now();
    this.endReason = reason;
    this.service?.stop();
    for (const timer of this.unacknowledged.values()) clearTimeout(timer);
    this.unacknowledged.clear();
    this.wakeAckWaiters();
    clearTimeout(this.sessionTimer);
    if (wasAnswered) this.record('rtp-stats', { ...this.rtp.snapshot(), final: true });
    this.rtp.close();
    this.ctx.ports.release(this.ports);
    this.record('ended', { reason });
    for (const listener of this.endedListeners.splice(0)) listener(this);
  }
}
