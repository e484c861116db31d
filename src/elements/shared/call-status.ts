import type { Messages } from '../../i18n/index.js';
import { type CallView, remoteLabel } from './view-state.js';

/** One line saying what the call is doing, for the status text and the live region. */
export function callStatusText(call: CallView, t: Messages): string {
  const who = remoteLabel(call);
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
      return `${t.inCallWith(who)} · ${t.hold[call.hold === 'none' ? 'local' : call.hold]}`;
    case 'ended':
      return t.callEnded(t.endCause[call.endCause ?? 'failed']);
  }
}
