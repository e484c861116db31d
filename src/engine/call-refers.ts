/**
 * A call's REFERs (RFC 3515, refer.ts): its transfers (transfer.ts) and the parties it adds
 * and drops (participants.ts). Only agents send them, so a call imports this module at the
 * first one (call.ts `refers()`): the engine a click-to-call visitor downloads goes without
 * it (vite.config.ts; src/cdn/softphone.test.ts checks), and `<sip-phone>` fetches it
 * with the engine.
 */
import { CallParticipants, type ParticipantsContext } from './participants';
import { CallTransfer, type TransferContext } from './transfer';

export interface CallRefers {
  readonly transfers: CallTransfer;
  readonly parties: CallParticipants;
}

export function callRefers(transfer: TransferContext, parties: ParticipantsContext): CallRefers {
  return { transfers: new CallTransfer(transfer), parties: new CallParticipants(parties) };
}
