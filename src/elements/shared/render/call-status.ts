import type { EndCause, ErrorCode, PhoneError } from '../../../engine/types.js';
import type { Messages } from '../../../i18n/index.js';
import { type CallView, remoteLabel } from '../view-state.js';

/**
 * End causes that the error alert shown with them already explains, with what to do.
 * (`connection-lost` only for a call never answered: the alert says the service is out of
 * reach, and that an answered call was lost with it is news the alert does not tell.)
 */
const EXPLAINED_BY: Partial<Record<EndCause, readonly ErrorCode[]>> = {
  microphone: ['microphone-denied', 'microphone-missing'],
  'connection-lost': ['connection-failed'],
  failed: ['call-failed'],
};

/**
 * One line saying what the call is doing, for the status text and the live region, or
 * `undefined` when the call ended for the reason `error` states: the alert says it
 * once, with what to do, and a second "Call ended: …" line would only repeat it.
 */
export function callStatusText(
  call: CallView,
  t: Messages,
  error: PhoneError | undefined,
): string | undefined {
  const who = remoteLabel(call);
  // A connection drop under an answered call outranks its usual line (hold included):
  // the caller hears silence and needs to know why.
  if (call.connection === 'reconnecting') return t.callReconnecting;
  if (call.connection === 'recovered') return t.callReconnected;
  if (call.transfer?.state === 'trying' && call.state !== 'ended') {
    return t.transferring(call.transfer.target);
  }
  if (call.participantStep?.state === 'adding' && call.state !== 'ended') {
    return t.adding(call.participantStep.target);
  }
  switch (call.state) {
    case 'connecting':
      return t.calling(who);
    case 'ringing':
      return call.direction === 'incoming' ? t.incomingCall : t.ringing;
    case 'early-media':
      return t.earlyMedia;
    case 'active':
      return t.inCallWith(who);
    case 'on-hold':
      // Who holds the call is the news; the name is on screen already (or known: the
      // visitor placed the call).
      return t.hold[call.hold === 'none' ? 'local' : call.hold];
    case 'ended': {
      const cause = call.endCause ?? 'failed';
      if (cause === 'connection-lost' && call.answeredAt !== undefined) return t.callLost;
      if (error && EXPLAINED_BY[cause]?.includes(error.code)) return undefined;
      return t.callEnded(t.endCause[cause]);
    }
  }
}
