/**
 * Transfer of an answered call: a REFER in its dialog (RFC 3515, refer.ts); the far end says how the
 * transfer goes in NOTIFYs whose body is the status line of its call to the target
 * (message/sipfrag, RFC 5589 §6). JsSIP's ReferSubscriber reads those. Blind: the REFER
 * names the target. Attended (RFC 5589 §7): it names the party of another call (the
 * consultation) with that call's dialog as `?Replaces=`, and the target's phone takes the
 * transferred call in place of the consultation, which it then ends (RFC 3891).
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import { sendRefer } from './refer';
import { targetUri } from './target';
import type { PhoneError, TransferEvent, Unsubscribe } from './types';

/** What a transfer needs from its call. */
export interface TransferContext {
  /** The call's session while it is answered (else nothing can be transferred). */
  session(): RTCSession | undefined;
  /** The SIP domain a bare user (`'agent2'`) belongs to. */
  domain(): string;
  isEnded(): boolean;
  /** Subscribes to the call's end: a transfer under way then cannot finish. */
  onEnded(handler: () => void): Unsubscribe;
  /** Reports each step (`trying`, then the outcome). */
  emit(event: TransferEvent): void;
  /** The target answered: the transferor leaves the call (RFC 5589 §6). */
  leave(): void;
  /** A transfer failed: the call stays, and this says why. */
  report(error: PhoneError): void;
}

/** The other call of an attended transfer: the consultation with the target. */
export interface Consultation {
  /** Its session while it is answered (else there is nothing to replace). */
  readonly session: RTCSession | undefined;
  /** Who was consulted (the consultation's far end), where the REFER sends the call. */
  readonly uri: string;
}

/** The transfers of one call, one at a time. */
export class CallTransfer {
  private busy = false;

  constructor(private readonly context: TransferContext) {}

  /** Blind transfer to `target`, or attended to the party of `consultation`. */
  async run(target: string, consultation?: Consultation): Promise<TransferEvent> {
    if (this.busy) return failure(target, undefined, 'a transfer is under way', consultation);
    this.busy = true;
    const outcome = consultation
      ? await attendedTransfer(this.context, consultation)
      : await transferCall(this.context, target);
    this.busy = false;
    if (outcome.state === 'transferred') this.context.leave();
    else if (!this.context.isEnded()) this.context.report(transferError(outcome));
    return outcome;
  }
}

function failure(
  target: string,
  sipStatus?: number,
  reason?: string,
  consultation?: Consultation,
): TransferEvent {
  const event: TransferEvent = { state: 'failed', target };
  if (consultation) event.attended = true;
  if (sipStatus !== undefined && Number.isFinite(sipStatus)) event.sipStatus = sipStatus;
  if (reason) event.reason = reason;
  return event;
}

/**
 * Transfers the call to `target` and resolves with the outcome: `transferred` once the
 * target answered, `failed` when the REFER was refused, the target's call failed, or
 * the call ended first. Every step is also emitted.
 */
async function transferCall(context: TransferContext, target: string): Promise<TransferEvent> {
  const uri = targetUri(target, context.domain());
  const session = context.session();
  let outcome: TransferEvent;
  if (!uri) outcome = failure(target, undefined, `'${target}' is not a number or SIP address`);
  else if (!session)
    outcome = failure(target, undefined, 'only an answered call can be transferred');
  else outcome = await refer(context, session, uri, target);
  context.emit(outcome);
  return outcome;
}

/** Attended transfer to the far end of `consultation`, which the new call replaces. */
async function attendedTransfer(
  context: TransferContext,
  consultation: Consultation,
): Promise<TransferEvent> {
  const session = context.session();
  const target = consultation.uri;
  let outcome: TransferEvent;
  if (!session) {
    outcome = failure(target, undefined, 'only an answered call can be transferred', consultation);
  } else if (!consultation.session) {
    outcome = failure(target, undefined, 'the consultation call is not answered', consultation);
  } else {
    outcome = await refer(context, session, target, target, consultation.session);
  }
  context.emit(outcome);
  return outcome;
}

async function refer(
  context: TransferContext,
  session: RTCSession,
  uri: string,
  target: string,
  replaces?: RTCSession,
): Promise<TransferEvent> {
  const attended = replaces ? ({ attended: true } as const) : {};
  const outcome = await sendRefer(session, uri, {
    ...(replaces ? { replaces } : {}),
    onTrying: () => context.emit({ state: 'trying', target, ...attended }),
    onEnded: (handler) => context.onEnded(handler),
    endedReason: 'the call ended before the transfer did',
  });
  return outcome.ok
    ? { state: 'transferred', target, ...attended }
    : { ...failure(target, outcome.sipStatus, outcome.reason), ...attended };
}

/** The error a failed transfer reports, with the SIP status when there is one. */
function transferError(outcome: TransferEvent): PhoneError {
  const why =
    outcome.sipStatus !== undefined
      ? ` (SIP ${outcome.sipStatus}${outcome.reason ? ` ${outcome.reason}` : ''})`
      : outcome.reason
        ? `: ${outcome.reason}`
        : '';
  return {
    code: 'transfer-failed',
    message: `Could not transfer the call to ${outcome.target}${why}.`,
    cause: outcome,
  };
}
