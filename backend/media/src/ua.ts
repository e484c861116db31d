/**
 * The SIP user agent: validates requests, lets the transaction layer absorb
 * retransmissions, and routes each request to a new call or to the call of its dialog.
 * It also dials out (calls to agents) as a UAC.
 */
import { performance } from 'node:perf_hooks';
import { ALLOW, Call, type CallService } from './call.js';
import type { CallContext } from './context.js';
import { lookupService } from './ivr/config.js';
import type { NegotiatedMedia } from './media/rtp-session.js';
import { SdpError } from './media/sdp.js';
import { safely, safeTimeout } from './safe.js';
import { activeCallOf, listenedAgent } from './services/listen.js';
import { isConferenceRefer, ThreeWayCalls } from './services/three-way.js';
import { BlindTransfers } from './services/transfer.js';
import { buildResponse, newBranch, randomToken } from './sip/builders.js';
import { Dialog } from './sip/dialog.js';
import { infoDigit } from './sip/info.js';
import {
  findRequestProblem,
  getHeader,
  getHeaderValues,
  parseCSeq,
  parseSipUri,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  tagOf,
} from './sip/message.js';
import {
  isQualityInfo,
  QUALITY_INFO_TYPE,
  qualityInfoBody,
  readQualityInfo,
} from './sip/quality-info.js';
import { readSessionExpires } from './sip/session-timer.js';
import type { ServerTransaction } from './sip/transactions.js';
import type { Endpoint } from './sip/transport.js';

/** What a CANCEL copies from the INVITE it cancels. */
const CANCEL_HEADERS = new Set(['via', 'max-forwards', 'from', 'to', 'call-id', 'cseq']);

const HOUSEKEEPING_MS = 250;
/** The SBC refuses a larger X-Context (backend/kamailio/kamailio.cfg, MAX_CONTEXT_BYTES). */
const MAX_CONTEXT_BYTES = 1024;

/**
 * The caller's context header of an INVITE, passed on as it came, as FreeSWITCH would with
 * `sip_h_X-Context` (the agent's phone checks what it holds, src/engine/caller-context.ts).
 * Only one, printable ASCII and within the SBC's cap: anything else is not passed on.
 */
export function callerContextOf(request: SipRequest): string | undefined {
  // Not getHeaderValues: the JSON's commas are not a list.
  const headers = request.headers.filter((header) => header.name === 'x-context');
  const value = headers[0]?.value;
  if (headers.length !== 1 || value === undefined) return undefined;
  if (value.length > MAX_CONTEXT_BYTES || !/^[\x20-\x7e]+$/.test(value)) return undefined;
  return value;
}
const UNNEGOTIATED: NegotiatedMedia = {
  remote: { address: '127.0.0.1', port: 0 },
  remoteRtcp: { address: '127.0.0.1', port: 0 },
  codec: 'PCMU',
  payloadType: 0,
  telephoneEventPt: undefined,
};

export type ServiceFactory = (name: string, call: Call, ua: UserAgent) => CallService;

/**
 * Why an agent is dialled: the queue offering it a caller (rings only an available agent),
 * or a call meant for that agent (a transfer), which rings it whatever its availability.
 */
export type DialPurpose = 'queue' | 'direct';

/** What a call to an agent carries besides the caller's name. */
export interface DialOptions {
  /** The caller's context header, passed on as it came (services/queue.ts). */
  callerContext?: string | undefined;
  /** The dialog the call replaces (RFC 3891): an attended transfer's consultation. */
  replaces?: string | undefined;
  purpose?: DialPurpose;
}

/** The SBC takes this header from the media farm only (backend/kamailio/kamailio.cfg). */
export const QUEUE_CALL_HEADER = 'x-queue-call';

export interface DialOutHandlers {
  onAnswered(call: Call): void;
  onFailed(status: number, reason: string): void;
}

export interface DialOut {
  call: Call;
  cancel(): void;
}

export class UserAgent {
  readonly calls = new Map<string, Call>();
  readonly history: Call[] = [];
  private readonly housekeepingTimer: NodeJS.Timeout;
  private readonly transfers: BlindTransfers;
  private readonly threeWay: ThreeWayCalls;

  constructor(
    private readonly ctx: CallContext,
    private readonly createService: ServiceFactory,
  ) {
    this.transfers = new BlindTransfers(ctx, this);
    this.threeWay = new ThreeWayCalls(ctx, this);
    ctx.transport.onMessage = (message, source) => {
      try {
        this.receive(message, source);
      } catch (error) {
        // One broken request must not take every other call down with it.
        ctx.log.error('request handling failed', { error: (error as Error).stack });
      }
    };
    this.housekeepingTimer = setInterval(() => {
      const now = performance.now();
      // One call failing its housekeeping must not skip the others' RTP timeouts.
      for (const call of this.calls.values())
        safely('call housekeeping', () => call.housekeeping(now));
    }, HOUSEKEEPING_MS);
  }

  close(): void {
    clearInterval(this.housekeepingTimer);
    for (const call of [...this.calls.values()]) call.hangup('shutdown');
  }

  private receive(message: SipMessage, source: Endpoint): void {
    if (message.kind === 'response') {
      this.ctx.transactions.receiveResponse(message);
      return;
    }
    const problem = findRequestProblem(message);
    if (problem) {
      this.ctx.log.warn('bad request', { method: message.method, problem, from: source });
      // Without a Via there is nowhere to send a response; an ACK never gets one.
      if (message.method !== 'ACK' && getHeader(message, 'via')) {
        this.ctx.transport.send(buildResponse(message, 400, { reason: problem }), source);
      }
      return;
    }
    const tx = this.ctx.transactions.receiveRequest(message, source);
    if (tx === 'ack') this.calls.get(getHeader(message, 'call-id') ?? '')?.handleAck(message);
    else if (tx) this.dispatch(tx);
  }

  private dispatch(tx: ServerTransaction): void {
    const request = tx.request;
    switch (request.method) {
      case 'OPTIONS':
        if (tagOf(getHeader(request, 'to'))) {
          this.keepalive(tx);
          return;
        }
        tx.respond(200, {
          headers: [
            { name: 'allow', value: ALLOW },
            { name: 'accept', value: 'application/sdp' },
            { name: 'supported', value: 'timer' },
          ],
        });
        return;
      case 'INVITE':
        if (tagOf(getHeader(request, 'to'))) this.inDialog(tx, (call) => call.handleReinvite(tx));
        else
          this.newInvite(tx).catch((error: Error) => {
            this.ctx.log.error('INVITE failed', { error: error.message });
            if (!tx.isFinal) tx.respond(500);
          });
        return;
      case 'CANCEL':
        this.cancel(tx);
        return;
      case 'BYE':
        this.inDialog(tx, (call) => call.handleBye(tx));
        return;
      case 'UPDATE':
        this.inDialog(tx, (call) => call.handleUpdate(tx));
        return;
      case 'INFO':
        this.inDialog(tx, (call) => this.info(call, tx));
        return;
      case 'REFER':
        this.inDialog(tx, (call) =>
          isConferenceRefer(request)
            ? this.threeWay.refer(call, tx)
            : this.transfers.refer(call, tx),
        );
        return;
      case 'NOTIFY':
        // In Allow beside REFER, as transfer-capable UAs list both (RFC 5589's examples), but
        // this server subscribes to nothing and sends no REFER: no NOTIFY can match one of
        // its subscriptions (RFC 6665 §4.1.3).
        tx.respond(481, { reason: 'Subscription Does Not Exist' });
        return;
      default:
        tx.respond(405, { headers: [{ name: 'allow', value: ALLOW }] });
    }
  }

  private inDialog(tx: ServerTransaction, handle: (call: Call) => void): void {
    const call = this.calls.get(getHeader(tx.request, 'call-id') ?? '');
    const dialog = call?.dialog;
    if (!call || !dialog || tagOf(getHeader(tx.request, 'to')) !== dialog.localTag) {
      tx.respond(481);
      return;
    }
    const seq = parseCSeq(getHeader(tx.request, 'cseq'))!.seq;
    if (seq <= dialog.remoteSeq && dialog.remoteSeq !== 0) {
      tx.respond(500, { reason: 'CSeq Out of Order' });
      return;
    }
    dialog.remoteSeq = seq;
    handle(call);
  }

  /**
   * An OPTIONS inside a dialog: the SBC's keep-alive (Kamailio's dialog module, `ka-dst` /
   * `ka-src` in kamailio.cfg). 200 while the call lives here, 481 when it does not (after a
   * restart, say), as FreeSWITCH answers: on 481 or no answer the SBC ends the call on the
   * other side. Its CSeq is deliberately one below the dialog's last (dlg_req_within.c), so
   * it is not checked against the CSeq order nor moves it (RFC 3261 12.2.2 would refuse it
   * with a 500): an OPTIONS changes nothing in the dialog.
   */
  private keepalive(tx: ServerTransaction): void {
    const call = this.calls.get(getHeader(tx.request, 'call-id') ?? '');
    if (!call?.dialog || tagOf(getHeader(tx.request, 'to')) !== call.dialog.localTag) {
      tx.respond(481);
      return;
    }
    call.record('keepalive');
    tx.respond(200, { headers: [{ name: 'allow', value: ALLOW }] });
  }

  private async newInvite(tx: ServerTransaction): Promise<void> {
    const request = tx.request;
    const callId = getHeader(request, 'call-id')!;
    const serviceName = parseSipUri(request.uri)?.user ?? '';
    // Listen-in (services/listen.ts) is a number per agent, answered at once, not an IVR entry.
    const listened = listenedAgent(serviceName);
    const service = listened === undefined ? lookupService(this.ctx.ivr, serviceName) : undefined;
    if (!service && listened === undefined) {
      tx.respond(404, { reason: `No service ${serviceName.slice(0, 40)}` });
      return;
    }
    if (listened !== undefined && !activeCallOf(this, listened)) {
      tx.respond(480, { reason: 'Agent Not In A Call' });
      return;
    }
    const unsupported = getHeaderValues(request, 'require').filter(
      (o) => o.toLowerCase() !== 'timer',
    );
    if (unsupported.length > 0) {
      tx.respond(420, { headers: [{ name: 'unsupported', value: unsupported.join(', ') }] });
      return;
    }
    const timer = readSessionExpires(request);
    if (timer && timer.expires < this.ctx.settings.minSessionExpires) {
      tx.respond(422, {
        headers: [{ name: 'min-se', value: String(this.ctx.settings.minSessionExpires) }],
      });
      return;
    }
    if (this.calls.has(callId)) {
      tx.respond(482, { reason: 'Loop Detected' });
      return;
    }
    const refusal = this.ctx.limits.check();
    if (refusal) {
      this.ctx.log.warn('refusing a new call', { callId, ...refusal });
      tx.respond(503, { headers: [{ name: 'retry-after', value: '5' }] });
      return;
    }
    tx.respond(100);
    const ports = await this.ctx.ports.allocate().catch((error: Error) => {
      this.ctx.log.error('no RTP ports', { error: error.message });
      return undefined;
    });
    if (!ports) {
      tx.respond(503, { reason: 'No media ports' });
      return;
    }
    const call = new Call(this.ctx, {
      callId,
      direction: 'inbound',
      serviceName,
      from: getHeader(request, 'from')!,
      to: getHeader(request, 'to')!,
      ports,
      media: UNNEGOTIATED,
      callerContext: callerContextOf(request),
    });
    call.dialog = Dialog.asUas(request, randomToken());
    this.track(call);
    call.record('invite', {
      from: call.from,
      to: call.to,
      service: serviceName,
      ...(call.callerContext === undefined ? {} : { context: call.callerContext }),
    });
    if (tx.cancelled) {
      call.reject(tx, 487, 'cancelled');
      return;
    }
    let answerSdp: string;
    try {
      answerSdp = call.sdpForInvite(request);
    } catch (error) {
      if (!(error instanceof SdpError)) throw error;
      call.reject(tx, 488, `bad-offer: ${error.message}`);
      return;
    }
    call.setService(this.createService(serviceName, call, this));
    call.abortRinging = () => {
      if (!tx.isFinal) tx.respond(480, { toTag: call.dialog?.localTag });
    };
    if (!service || service.ringMs === 0) {
      call.answer(tx, answerSdp);
      return;
    }
    tx.respond(180, {
      toTag: call.dialog.localTag,
      headers: [{ name: 'contact', value: call.contact() }],
    });
    safeTimeout('answer after ringing', () => call.answer(tx, answerSdp), service.ringMs);
  }

  private cancel(tx: ServerTransaction): void {
    const invite = this.ctx.transactions.findInviteFor(tx.request);
    if (!invite) {
      tx.respond(481);
      return;
    }
    tx.respond(200);
    if (invite.isFinal) return;
    invite.cancelled = true;
    const call = this.calls.get(getHeader(tx.request, 'call-id') ?? '');
    if (call && call.state === 'ringing') call.reject(invite, 487, 'cancelled');
    else if (!call) invite.respond(487);
  }

  private info(call: Call, tx: ServerTransaction): void {
    const contentType = getHeader(tx.request, 'content-type') ?? '';
    if (isQualityInfo(contentType)) {
      this.qualityInfo(call, tx);
      return;
    }
    const parsed = infoDigit(
      getHeader(tx.request, 'content-type') ?? '',
      tx.request.body.toString('utf8'),
    );
    if (parsed && 'unsupported' in parsed) {
      tx.respond(415, {
        toTag: call.dialog?.localTag,
        headers: [{ name: 'accept', value: 'application/dtmf-relay, application/dtmf' }],
      });
      return;
    }
    tx.respond(200, { toTag: call.dialog?.localTag });
    if (parsed) call.digit(parsed.digit, 'info');
  }

  /**
   * A phone's quality warnings (sip/quality-info.ts): recorded, and passed on to the other
   * leg of its bridge, written again from what was read.
   */
  private qualityInfo(call: Call, tx: ServerTransaction): void {
    const report = readQualityInfo(tx.request.body);
    if (!report) {
      tx.respond(400, { toTag: call.dialog?.localTag, reason: 'Bad Quality Report' });
      return;
    }
    tx.respond(200, { toTag: call.dialog?.localTag });
    call.record('remote-quality', { ...report });
    const peer = call.bridge?.peerOf(call);
    if (peer?.state === 'answered' && peer.dialog) {
      peer.sendInDialog(
        'INFO',
        [{ name: 'content-type', value: QUALITY_INFO_TYPE }],
        qualityInfoBody(report),
        () => {},
      );
    }
  }

  private track(call: Call): void {
    this.calls.set(call.id, call);
    call.onEnded(() => {
      this.calls.delete(call.id);
      this.history.push(call);
      if (this.history.length > this.ctx.settings.historySize) this.history.shift();
    });
  }

  /**
   * Calls `sip:<user>@<domain>` through the proxy, offering plain G.711 RTP, with the
   * caller's context header when the call carries one, and `replaces` (RFC 3891) when it
   * takes the place of a dialog the user has (an attended transfer, services/transfer.ts).
   * A `queue` call is marked (`X-Queue-Call`): the SBC then rings only an agent who is
   * available, and answers 480 for one who is not (backend/kamailio/kamailio.cfg,
   * LOCATION); a transfer rings anyway.
   */
  async dialOut(
    user: string,
    displayName: string,
    handlers: DialOutHandlers,
    { callerContext, replaces, purpose = 'direct' }: DialOptions = {},
  ): Promise<DialOut> {
    const { local, settings } = this.ctx;
    const ports = await this.ctx.ports.allocate();
    const callId = `${randomToken(12)}@${settings.serverName}`;
    const uri = `sip:${user}@${settings.domain}`;
    const from = `"${displayName.replace(/["\\]/g, '')}" <sip:queue@${settings.domain}>;tag=${randomToken()}`;
    const to = `<${uri}>`;
    const call = new Call(this.ctx, {
      callId,
      direction: 'outbound',
      serviceName: 'agent',
      from,
      to,
      ports,
      media: UNNEGOTIATED,
      callerContext,
    });
    this.track(call);
    call.record('invite', {
      from,
      to,
      service: 'agent',
      ...(callerContext === undefined ? {} : { context: callerContext }),
    });
    const via = `SIP/2.0/UDP ${local.host}:${local.port};branch=${newBranch()};rport`;
    const invite: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri,
      headers: [
        { name: 'via', value: via },
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: from },
        { name: 'to', value: to },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: '1 INVITE' },
        { name: 'contact', value: call.contact() },
        { name: 'allow', value: ALLOW },
        { name: 'supported', value: 'timer' },
        ...(callerContext === undefined ? [] : [{ name: 'x-context', value: callerContext }]),
        ...(replaces === undefined ? [] : [{ name: 'replaces', value: replaces }]),
        ...(purpose === 'queue' ? [{ name: QUEUE_CALL_HEADER, value: '1' }] : []),
        { name: 'content-type', value: 'application/sdp' },
      ],
      body: Buffer.from(call.offerSdp('sendrecv')),
    };
    let cancelRequested = false;
    let provisional = false;
    let finished = false;
    /** No final response came within 64×T1 of the CANCEL: the attempt is over for us. */
    let abandoned = false;
    let abandonTimer: NodeJS.Timeout | undefined;
    let ack: SipRequest | undefined;
    // RFC 3261 §9.1: without a final response 64×T1 after the CANCEL, the INVITE is as good
    // as cancelled. A phone that vanished while ringing (its tab killed, its network gone)
    // never answers either, and the queue would wait for it forever.
    const abandon = (): void => {
      if (finished) return;
      finished = true;
      abandoned = true;
      call.end('agent-no-final-response');
      handlers.onFailed(408, 'Request Timeout');
    };
    const sendCancel = (): void => {
      abandonTimer ??= safeTimeout(
        'cancelled INVITE without a final response',
        abandon,
        64 * this.ctx.transactions.timers.t1,
      );
      // RFC 3261 §9.1: a CANCEL repeats the INVITE's Request-URI, Via, From, To, Call-ID
      // and CSeq number.
      const cancel: SipRequest = {
        kind: 'request',
        method: 'CANCEL',
        uri,
        headers: invite.headers
          .filter((header) => CANCEL_HEADERS.has(header.name))
          .map((header) => (header.name === 'cseq' ? { name: 'cseq', value: '1 CANCEL' } : header)),
        body: Buffer.alloc(0),
      };
      this.ctx.transactions.sendRequest(cancel, settings.proxy, () => {});
    };
    const onResponse = (response: SipResponse): void => {
      if (response.status < 200) {
        if (!provisional) call.record('ringing', { status: response.status });
        // A CANCEL may only follow a provisional response (RFC 3261 9.1).
        if (!provisional && cancelRequested) sendCancel();
        provisional = true;
        return;
      }
      clearTimeout(abandonTimer);
      if (response.status >= 300) {
        if (finished) return;
        finished = true;
        call.end(`agent-${response.status}`);
        handlers.onFailed(response.status, response.reason);
        return;
      }
      if (!call.dialog) call.dialog = Dialog.asUac(invite, response);
      ack ??= call.dialog.createRequest('ACK', local, [], Buffer.alloc(0), 1);
      this.ctx.transport.send(ack, call.dialog.nextHop(settings.proxy));
      if (abandoned) {
        // A 200 after we gave up: the dialog exists after all, and is ended at once (once).
        abandoned = false;
        call.sendInDialog('BYE', [], undefined, () => {});
        return;
      }
      if (finished) return;
      finished = true;
      if (cancelRequested) {
        // The 200 crossed our CANCEL: the dialog exists, so it must be ended with BYE.
        call.state = 'answered';
        call.hangup('cancelled');
        return;
      }
      try {
        call.acceptAnswer(response.body);
      } catch (error) {
        call.state = 'answered';
        call.hangup(`bad-answer: ${(error as Error).message}`);
        handlers.onFailed(488, 'bad answer');
        return;
      }
      const timer = readSessionExpires(response);
      if (timer) call.armSessionTimer(timer.expires, timer.refresher !== 'uas');
      call.markAnswered();
      handlers.onAnswered(call);
    };
    const cancel = (): void => {
      if (finished || cancelRequested) return;
      cancelRequested = true;
      if (provisional) sendCancel();
    };
    call.abortRinging = cancel;
    this.ctx.transactions.sendRequest(invite, settings.proxy, onResponse);
    return { call, cancel };
  }
}
