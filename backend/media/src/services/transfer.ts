/**
 * Blind transfer of a bridged caller: the agent's phone sends REFER (RFC 3515) in its leg's
 * dialog, naming a colleague. This server is the B2BUA between caller and agent
 * (services/queue.ts), so it plays the transferee of RFC 5589 §6 on the caller's behalf:
 * it answers 202, rings the colleague as the queue rings agents, and reports to the agent
 * in NOTIFYs (sip/refer.ts). While the colleague rings, caller and agent stay bridged and
 * keep talking (as a FreeSWITCH blind transfer does; if the agent put the caller on hold
 * first, the caller hears the bridge's hold music). When the colleague answers, the
 * caller's bridge moves to the colleague's leg and the agent is told to hang up; when the
 * colleague does not, the agent is told why and may try again.
 *
 * Attended transfer (RFC 5589 §7) is the same with a `Replaces` in the Refer-To: the agent
 * consulted the colleague first (a call of their own, through the SBC), and the call to the
 * colleague carries that Replaces, so the colleague's phone answers it in place of the
 * consultation (RFC 3891) instead of ringing.
 */
import type { Call } from '../call.js';
import type { CallContext } from '../context.js';
import { safely, safeTimeout } from '../safe.js';
import { getHeader, parseCSeq, type SipRequest } from '../sip/message.js';
import { ReferSubscription, type Refusal, readReferTarget } from '../sip/refer.js';
import type { ServerTransaction } from '../sip/transactions.js';
import type { DialOut, UserAgent } from '../ua.js';
import { type Bridge, bridge } from './bridge.js';
import { callerName } from './caller-name.js';

/** Only the legs this server dialled to agents transfer (see `accept`). */
export const AGENT_SERVICE = 'agent';
/**
 * The `expires` of the subscription's NOTIFYs: this, or the queue's ring timeout when that
 * is longer, so the agent's subscription cannot lapse before the final NOTIFY.
 */
const MIN_SUBSCRIPTION_EXPIRES_S = 60;

/** One transfer whose target is being rung. */
interface Transfer {
  readonly transferor: Call;
  readonly transferee: Call;
  /** The transferor's bridge with the transferee, released when the target answers. */
  readonly bridge: Bridge;
  readonly target: string;
  /** An attended transfer: the target's consultation with the transferor, which the call replaces. */
  readonly replaces: string | undefined;
  readonly subscription: ReferSubscription;
  attempt: DialOut | undefined;
  ringTimer: NodeJS.Timeout | undefined;
  /** Takes back the listeners that give the transfer up when either leg ends. */
  readonly untie: (() => void)[];
}

/**
 * The implicit subscription of a REFER received in the dialog of `referrer`, its NOTIFYs
 * sent in that dialog while it lasts; it outlives a target rung for `ringTimeoutMs`.
 */
export function referSubscription(
  referrer: Call,
  request: SipRequest,
  ringTimeoutMs: number,
): ReferSubscription {
  const referSeq = parseCSeq(getHeader(request, 'cseq'))?.seq ?? 0;
  const expires = Math.max(MIN_SUBSCRIPTION_EXPIRES_S, Math.ceil(ringTimeoutMs / 1000));
  return new ReferSubscription(referSeq, expires, (headers, body, onResponse) => {
    if (referrer.state !== 'ended') referrer.sendInDialog('NOTIFY', headers, body, onResponse);
  });
}

export class BlindTransfers {
  /** The transfers whose target rings, by transferee: one at a time per caller. */
  private readonly ringing = new Map<Call, Transfer>();

  constructor(
    private readonly ctx: CallContext,
    private readonly ua: UserAgent,
  ) {}

  /** A REFER in the dialog of `transferor` (ua.ts has checked the dialog and its CSeq). */
  refer(transferor: Call, tx: ServerTransaction): void {
    const toTag = transferor.dialog?.localTag;
    const accepted = this.accept(transferor, tx.request);
    if ('refusal' in accepted) {
      tx.respond(accepted.refusal.status, { toTag, reason: accepted.refusal.reason });
      return;
    }
    tx.respond(202, { toTag });
    const { transferee, bridge: current, target, replaces } = accepted;
    const attended = replaces !== undefined;
    transferor.record('refer', { target, attended });
    transferee.record('transfer', { by: transferor.id, target, attended });
    const subscription = referSubscription(
      transferor,
      tx.request,
      this.ctx.ivr.queue.ringTimeoutMs,
    );
    subscription.progress(100, 'Trying');
    const transfer: Transfer = {
      transferor,
      transferee,
      bridge: current,
      target,
      replaces,
      subscription,
      attempt: undefined,
      ringTimer: undefined,
      untie: [],
    };
    this.ringing.set(transferee, transfer);
    transfer.untie.push(
      transferor.onEnded(() => this.abandon(transfer)),
      transferee.onEnded(() => this.abandon(transfer)),
    );
    this.dial(transfer);
  }

  /**
   * What a REFER may do, in the order a referrer can act on: 403 for a leg that is not an
   * agent's bridged to a caller, the Refer-To's own refusals (400, 501, 403), 491 while the
   * caller's previous transfer still rings.
   */
  private accept(
    transferor: Call,
    request: SipRequest,
  ):
    | { refusal: Refusal }
    | { transferee: Call; bridge: Bridge; target: string; replaces: string | undefined } {
    const current = transferor.bridge;
    const transferee = current?.peerOf(transferor);
    if (
      !current ||
      !transferee ||
      transferor.state !== 'answered' ||
      transferee.state !== 'answered'
    ) {
      return { refusal: { status: 403, reason: 'Not Bridged' } };
    }
    // A caller's own phone must not send the agent (or ring anyone) elsewhere: visitors
    // reach agents only through the queue, with restricted credentials (services/queue.ts).
    if (transferor.serviceName !== AGENT_SERVICE) {
      return { refusal: { status: 403, reason: 'Only Agents Transfer' } };
    }
    const target = readReferTarget(request, this.ctx.settings.domain);
    if ('refusal' in target) return target;
    if (this.ringing.has(transferee)) {
      return { refusal: { status: 491, reason: 'Request Pending' } };
    }
    return { transferee, bridge: current, target: target.user, replaces: target.replaces };
  }

  /**
   * Rings the target as the queue rings an agent: the caller's name and context, a ring
   * timeout. An attended transfer's call carries Replaces: the target's phone answers it in
   * place of its consultation with the transferor, and ends that one (RFC 3891 §3).
   */
  private dial(transfer: Transfer): void {
    const { transferee, target, replaces } = transfer;
    this.ua
      .dialOut(
        target,
        callerName(transferee.from),
        {
          onAnswered: (call) => this.answered(transfer, call),
          onFailed: (status, reason) => this.failed(transfer, status, reason),
        },
        { callerContext: transferee.callerContext, replaces },
      )
      .then(
        (attempt) => safely('transfer dial', () => this.ringingFor(transfer, attempt)),
        (error: Error) =>
          safely('transfer dial', () => {
            this.ctx.log.warn('transfer target not dialled', { target, error: error.message });
            this.failed(transfer, 503, 'Service Unavailable');
          }),
      );
  }

  /** The target's INVITE is out: it rings until the queue's ring timeout at most. */
  private ringingFor(transfer: Transfer, attempt: DialOut): void {
    if (this.ringing.get(transfer.transferee) !== transfer) {
      attempt.cancel();
      return;
    }
    transfer.attempt = attempt;
    transfer.ringTimer = safeTimeout(
      'transfer ring timeout',
      () => this.noAnswer(transfer),
      this.ctx.ivr.queue.ringTimeoutMs,
    );
  }

  /** The target answered: the caller's bridge moves to its leg, the agent is told to go. */
  private answered(transfer: Transfer, targetCall: Call): void {
    const { transferor, transferee, target } = transfer;
    // Settled already (the legs' ends cancel the attempt, so only a race gets here): no use.
    if (!this.settle(transfer)) {
      targetCall.hangup('transfer-abandoned');
      return;
    }
    transferee.record('transfer-answered', { target, peerCallId: targetCall.id });
    transfer.bridge.release();
    bridge(transferee, targetCall, transferee.musicSound());
    transfer.subscription.finish(200, 'OK');
    this.awaitTransferorBye(transferor);
  }

  /**
   * The transferor hangs up once told the transfer succeeded (RFC 5589 §6); whoever ends
   * its leg now, it ended `transferred`. One that stays is hung up after the configured wait.
   */
  private awaitTransferorBye(transferor: Call): void {
    transferor.remoteByeReason = 'transferred';
    const timer = safeTimeout(
      'transferor BYE wait',
      () => transferor.hangup('transferred'),
      this.ctx.settings.transferorByeTimeoutMs,
    );
    transferor.onEnded(() => clearTimeout(timer));
  }

  /** No answer within the queue's ring timeout: CANCEL, and report a 408 to the agent. */
  private noAnswer(transfer: Transfer): void {
    transfer.attempt?.cancel();
    // The 487 the CANCEL brings (or a 200 that crossed it, which dialOut hangs up) comes
    // after the transfer has settled, and is ignored.
    this.failed(transfer, 408, 'Request Timeout');
  }

  /** The target refused or did not answer: the caller stays with the agent, who is told why. */
  private failed(transfer: Transfer, status: number, reason: string): void {
    if (!this.settle(transfer)) return;
    transfer.transferee.record('transfer-failed', { target: transfer.target, status, reason });
    transfer.subscription.finish(status, reason);
  }

  /**
   * Caller or agent hung up while the target rang: stop ringing it. (The bridge ends the
   * other leg, as it always does; no NOTIFY, the agent's dialog is over.)
   */
  private abandon(transfer: Transfer): void {
    if (!this.settle(transfer)) return;
    transfer.attempt?.cancel();
  }

  /** Ends the ringing state of a transfer; false when it had ended already. */
  private settle(transfer: Transfer): boolean {
    if (this.ringing.get(transfer.transferee) !== transfer) return false;
    this.ringing.delete(transfer.transferee);
    clearTimeout(transfer.ringTimer);
    for (const undo of transfer.untie.splice(0)) undo();
    return true;
  }
}
