import type { CallEventMap, CallHandle } from '../../../engine/types.js';
import { as, type ForwardTable } from './engine-events.js';

/**
 * The call's events that reach the page as DOM events; each names its call. Apart from the
 * phone's (engine-events.ts). The script-tag core dispatches both before the element is in
 * (early-phone.ts), for a call it placed at a click on the button drawn at rest.
 */
export const CALL_EVENTS: ForwardTable<CallEventMap, CallHandle> = {
  state: as('sip-call-state', (change, call) => ({ call, ...change })),
  dtmf: as('sip-dtmf', (dtmf, call) => ({ call, ...dtmf })),
  quality: as('sip-quality', (sample, call) => ({ call, sample })),
  'quality-warning': as('sip-quality-warning', (change, call) => ({ call, ...change })),
  report: as('sip-call-report', (report, call) => ({ call, report })),
  ended: as('sip-call-ended', (ended, call) => ({ call, ...ended })),
  transfer: as('sip-call-transfer', (transfer, call) => ({ call, ...transfer })),
  'far-end-quality': as('sip-far-end-quality', (report, call) => ({ call, ...report })),
  participant: as('sip-call-participant', (step, call) => ({ call, ...step })),
};
