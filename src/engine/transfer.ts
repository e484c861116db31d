/**
 * Blind transfer of an answered call: a REFER in its dialog (RFC 3515, refer.ts); the far
 * end says how the transfer goes in NOTIFYs whose body is the status line of its call to
 * the target (message/sipfrag, RFC 5589 §6).
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

/** The transfers of one call, one at a time. */
export class CallTransfer {
  private busy = false;

  constructor(private readonly context: TransferContext) {}

  async run(target: string): Promise<TransferEvent> {
    if (this.busy) return failure(target, undefined, 'a transfer is under way');
    this.busy = true;
    const outcome = await transferCall(this.context, target);
    this.busy = false;
    if (outcome.state === 'transferred') this.context.leave();
    else if (!this.context.isEnded()) this.context.report(transferError(outcome));
    return outcome;
  }
}

function failure(target: string, sipStatus?: number, reason?: string): TransferEvent {
  const event: TransferEvent = { state: 'failed', target };
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

async function refer(
  context: TransferContext,
  session: RTCSession,
  uri: string,
  target: string,
): Promise<TransferEvent> {
  const outcome = await sendRefer(session, uri, {
    onTrying: () => context.emit({ state: 'trying', target }),
    onEnded: (handler) => context.onEnded(handler),
    endedReason: 'the call ended before the transfer did',
  });
  return outcome.ok
    ? { state: 'transferred', target }
    : failure(target, outcome.sipStatus, outcome.reason);
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
