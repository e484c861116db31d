/**
 * 3-way calls on a bridged (queue) call, with this server as the conference focus of RFC 4579:
 * the agent's phone sends REFER in its leg's dialog.
 *
 * - Adding: a REFER marked `X-Conference: add` naming a colleague (Kamailio's REFER policy,
 *   backend/kamailio/kamailio.cfg, lets only agents send it, only towards agents, the queue
 *   and service numbers). The colleague is rung as a transfer target is (services/transfer.ts:
 *   the caller's name and context, the queue's ring timeout), and the agent is told how it
 *   went in NOTIFYs (sip/refer.ts). While it rings, caller and agent keep talking; when it
 *   answers, their bridge becomes a conference (services/conference.ts) with the colleague in.
 * - Dropping: a REFER whose Refer-To is `<sip:colleague@domain;method=BYE>` (RFC 4579 §5.5):
 *   the focus sends the colleague BYE and reports 200. Only parties this server dialled into
 *   the call can be dropped: not the caller, nor a supervisor listening in.
 */
import type { Call } from '../call.js';
import type { CallContext } from '../context.js';
import { safely, safeTimeout } from '../safe.js';
import { getHeader, type SipRequest } from '../sip/message.js';
import {
  type ReferSubscription,
  type Refusal,
  readDropTarget,
  readReferTarget,
  refersWithMethod,
} from '../sip/refer.js';
import type { ServerTransaction } from '../sip/transactions.js';
import type { DialOut, UserAgent } from '../ua.js';
import { callerName } from './caller-name.js';
import { Conference, userOfLeg } from './conference.js';
import { AGENT_SERVICE, referSubscription } from './transfer.js';

/** The header that marks a REFER as "add this party to my call" (the agent's engine sends it). */
const CONFERENCE_HEADER = 'x-conference';
/** Talkers in one call at most: the caller, the agent and two colleagues. */
const MAX_TALKERS = 4;

/** Whether a REFER is about the conference (add or drop) rather than a transfer. */
export function isConferenceRefer(request: SipRequest): boolean {
  return getHeader(request, CONFERENCE_HEADER) !== undefined || refersWithMethod(request);
}

/** One party being rung into a call. */
interface Adding {
  readonly referrer: Call;
  readonly target: string;
  readonly subscription: ReferSubscription;
  attempt: DialOut | undefined;
  ringTimer: NodeJS.Timeout | undefined;
  readonly untie: (() => void)[];
}

/** The legs a referrer's call is made of: the caller's, the referrer's, and any others. */
function legsOf(referrer: Call): Call[] {
  if (referrer.conference) return [...referrer.conference.membersWith('talker')];
  const peer = referrer.bridge?.peerOf(referrer);
  return peer ? [peer, referrer] : [referrer];
}

export class ThreeWayCalls {
  /** Parties being rung, by the agent who asked: one at a time per agent. */
  private readonly adding = new Map<Call, Adding>();

  constructor(
    private readonly ctx: CallContext,
    private readonly ua: UserAgent,
  ) {}

  /** A conference REFER in the dialog of `referrer` (ua.ts has checked the dialog and CSeq). */
  refer(referrer: Call, tx: ServerTransaction): void {
    if (refersWithMethod(tx.request)) this.drop(referrer, tx);
    else this.add(referrer, tx);
  }

  private add(referrer: Call, tx: ServerTransaction): void {
    const toTag = referrer.dialog?.localTag;
    const accepted = this.acceptAdd(referrer, tx.request);
    if ('refusal' in accepted) {
      tx.respond(accepted.refusal.status, { toTag, reason: accepted.refusal.reason });
      return;
    }
    tx.respond(202, { toTag });
    const { target } = accepted;
    referrer.record('conference-add', { target });
    const subscription = referSubscription(referrer, tx.request, this.ctx.ivr.queue.ringTimeoutMs);
    subscription.progress(100, 'Trying');
    const adding: Adding = {
      referrer,
      target,
      subscription,
      attempt: undefined,
      ringTimer: undefined,
      untie: [],
    };
    this.adding.set(referrer, adding);
    adding.untie.push(referrer.onEnded(() => this.abandon(adding)));
    this.dial(adding);
  }

  /**
   * 403 unless an agent's answered leg in a call with a caller, 400 for an unknown mark, the
   * Refer-To's own refusals, 403 for a party already in the call or a full call, 491 while
   * the agent's previous addition still rings.
   */
  private acceptAdd(
    referrer: Call,
    request: SipRequest,
  ): { refusal: Refusal } | { target: string } {
    if (referrer.serviceName !== AGENT_SERVICE || referrer.state !== 'answered') {
      return { refusal: { status: 403, reason: 'Only Agents Add' } };
    }
    const legs = legsOf(referrer);
    if (legs.length < 2 || legs.some((leg) => leg.state !== 'answered')) {
      return { refusal: { status: 403, reason: 'Not In A Call' } };
    }
    if (getHeader(request, CONFERENCE_HEADER)?.trim().toLowerCase() !== 'add') {
      return { refusal: { status: 400, reason: 'Unknown X-Conference' } };
    }
    const target = readReferTarget(request, this.ctx.settings.domain);
    if ('refusal' in target) return target;
    if (legs.some((leg) => userOfLeg(leg) === target.user)) {
      return { refusal: { status: 403, reason: 'Already In The Call' } };
    }
    if (legs.length >= MAX_TALKERS) return { refusal: { status: 403, reason: 'Call Is Full' } };
    if (this.adding.has(referrer)) return { refusal: { status: 491, reason: 'Request Pending' } };
    return { target: target.user };
  }

  /** Rings the party as a transfer target is rung: the caller's name and context. */
  private dial(adding: Adding): void {
    const caller = legsOf(adding.referrer).find((leg) => leg.direction === 'inbound');
    this.ua
      .dialOut(
        adding.target,
        callerName(caller?.from ?? adding.referrer.from),
        {
          onAnswered: (call) => this.answered(adding, call),
          onFailed: (status, reason) => this.failed(adding, status, reason),
        },
        { callerContext: caller?.callerContext },
      )
      .then(
        (attempt) => safely('conference dial', () => this.ringing(adding, attempt)),
        (error: Error) =>
          safely('conference dial', () => {
            this.ctx.log.warn('conference party not dialled', { error: error.message });
            this.failed(adding, 503, 'Service Unavailable');
          }),
      );
  }

  private ringing(adding: Adding, attempt: DialOut): void {
    if (this.adding.get(adding.referrer) !== adding) {
      attempt.cancel();
      return;
    }
    adding.attempt = attempt;
    adding.ringTimer = safeTimeout(
      'conference ring timeout',
      () => {
        adding.attempt?.cancel();
        this.failed(adding, 408, 'Request Timeout');
      },
      this.ctx.ivr.queue.ringTimeoutMs,
    );
  }

  /** The party answered: the referrer's call becomes (or stays) a conference with it in. */
  private answered(adding: Adding, call: Call): void {
    if (!this.settle(adding)) {
      call.hangup('conference-abandoned');
      return;
    }
    const conference = Conference.of(adding.referrer);
    if (!conference?.add(call, 'talker')) {
      // The call came apart while the party rang (its caller hung up, say).
      call.hangup('conference-gone');
      adding.subscription.finish(480, 'Call Gone');
      return;
    }
    adding.referrer.record('conference-added', { target: adding.target, member: call.id });
    adding.subscription.finish(200, 'OK');
  }

  private failed(adding: Adding, status: number, reason: string): void {
    if (!this.settle(adding)) return;
    adding.referrer.record('conference-add-failed', { target: adding.target, status, reason });
    adding.subscription.finish(status, reason);
  }

  /** The agent hung up while the party rang: stop ringing it. */
  private abandon(adding: Adding): void {
    if (!this.settle(adding)) return;
    adding.attempt?.cancel();
  }

  private settle(adding: Adding): boolean {
    if (this.adding.get(adding.referrer) !== adding) return false;
    this.adding.delete(adding.referrer);
    clearTimeout(adding.ringTimer);
    for (const undo of adding.untie.splice(0)) undo();
    return true;
  }

  /** RFC 4579 §5.5: BYE to the party named, its outcome in the REFER's subscription. */
  private drop(referrer: Call, tx: ServerTransaction): void {
    const toTag = referrer.dialog?.localTag;
    const conference = referrer.conference;
    if (
      referrer.serviceName !== AGENT_SERVICE ||
      !conference ||
      conference.roleOf(referrer) !== 'talker'
    ) {
      tx.respond(403, { toTag, reason: 'Not In A Conference' });
      return;
    }
    const target = readDropTarget(tx.request, this.ctx.settings.domain);
    if ('refusal' in target) {
      tx.respond(target.refusal.status, { toTag, reason: target.refusal.reason });
      return;
    }
    const member = conference.memberOf(target.user);
    // Only a party this server dialled in (an agent's leg): never the caller, a listener
    // (their legs called in), or the referrer itself.
    if (!member || member === referrer || member.serviceName !== AGENT_SERVICE) {
      tx.respond(404, { toTag, reason: 'Not A Participant' });
      return;
    }
    tx.respond(202, { toTag });
    referrer.record('conference-drop', { target: target.user, member: member.id });
    const subscription = referSubscription(referrer, tx.request, 0);
    member.hangup('dropped');
    subscription.finish(200, 'OK');
  }
}
