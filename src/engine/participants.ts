/**
 * The 3-way call of an answered call: the agent adds a party to the call, and drops them
 * again. The far end is the conference focus (RFC 4579; our media server,
 * backend/media/src/services/three-way.ts), asked in REFERs in the call's dialog (refer.ts):
 * adding is a REFER naming the party and marked `X-Conference: add`; dropping is a REFER
 * whose Refer-To is the party with `method=BYE` (RFC 4579 §5.5). Each outcome comes back
 * as NOTIFY sipfrag, as for a transfer.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import { type ReferOutcome, sendRefer } from './refer';
import { targetUri } from './target';
import type { ParticipantEvent, PhoneError, Unsubscribe } from './types';

/** What the participants of a call need from it. */
export interface ParticipantsContext {
  /** The call's session while it is answered (else nobody can be added). */
  session(): RTCSession | undefined;
  /** The SIP domain a bare user (`'agent8'`) belongs to. */
  domain(): string;
  isEnded(): boolean;
  onEnded(handler: () => void): Unsubscribe;
  /** Reports each step (`adding`, then the outcome; `dropped` / `drop-failed`). */
  emit(event: ParticipantEvent): void;
  /** The list of parties in the call changed. */
  changed(participants: readonly string[]): void;
  /** An addition or a drop failed: the call stays as it was, and this says why. */
  report(error: PhoneError): void;
}

/** The parties one call added, one request at a time. */
export class CallParticipants {
  private readonly list: string[] = [];
  private busy = false;

  constructor(private readonly context: ParticipantsContext) {}

  /** The parties added and not dropped, as they were given. */
  get participants(): readonly string[] {
    return [...this.list];
  }

  add(target: string): Promise<ParticipantEvent> {
    return this.run(target.trim(), 'add');
  }

  remove(target: string): Promise<ParticipantEvent> {
    return this.run(target.trim(), 'drop');
  }

  private async run(target: string, action: 'add' | 'drop'): Promise<ParticipantEvent> {
    const outcome = await this.exchange(target, action);
    const event: ParticipantEvent = outcome.ok
      ? { state: action === 'add' ? 'added' : 'dropped', target }
      : {
          state: action === 'add' ? 'add-failed' : 'drop-failed',
          target,
          ...(outcome.sipStatus === undefined ? {} : { sipStatus: outcome.sipStatus }),
          ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        };
    if (outcome.ok) {
      const index = this.list.indexOf(target);
      if (action === 'add' && index < 0) this.list.push(target);
      if (action === 'drop' && index >= 0) this.list.splice(index, 1);
      this.context.changed(this.participants);
    }
    this.context.emit(event);
    if (!outcome.ok && !this.context.isEnded()) this.context.report(participantError(event));
    return event;
  }

  private async exchange(target: string, action: 'add' | 'drop'): Promise<ReferOutcome> {
    const uri = targetUri(target, this.context.domain());
    const session = this.context.session();
    if (!uri || uri.includes(';')) {
      return { ok: false, reason: `'${target}' is not a number or SIP address` };
    }
    if (!session) return { ok: false, reason: 'only an answered call can have parties added' };
    if (action === 'drop' && !this.list.includes(target)) {
      return { ok: false, reason: `${target} is not in the call` };
    }
    if (action === 'add' && this.list.includes(target)) {
      return { ok: false, reason: `${target} is in the call already` };
    }
    if (this.busy) return { ok: false, reason: 'another request is under way' };
    this.busy = true;
    try {
      if (action === 'add') this.context.emit({ state: 'adding', target });
      return await sendRefer(session, action === 'add' ? uri : `${uri};method=BYE`, {
        extraHeaders: action === 'add' ? ['X-Conference: add'] : [],
        onTrying: () => {},
        onEnded: (handler) => this.context.onEnded(handler),
        endedReason: 'the call ended first',
      });
    } finally {
      this.busy = false;
    }
  }
}

/** The error a failed addition or drop reports, with the SIP status when there is one. */
function participantError(event: ParticipantEvent): PhoneError {
  const why =
    event.sipStatus !== undefined
      ? ` (SIP ${event.sipStatus}${event.reason ? ` ${event.reason}` : ''})`
      : event.reason
        ? `: ${event.reason}`
        : '';
  const what = event.state === 'add-failed' ? 'add' : 'drop';
  return {
    code: 'participant-failed',
    message: `Could not ${what} ${event.target}${why}.`,
    cause: event,
  };
}
