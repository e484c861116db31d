import type {
  CallEventMap,
  CallHandle,
  CallReport,
  CallState,
  DeviceNotice,
  DevicesState,
  DtmfKey,
  ErrorCode,
  HoldState,
  PhoneEventMap,
  PreflightResult,
  PreflightStep,
  QualitySample,
} from '../../engine/types.js';

/** Payloads of the DOM events the elements dispatch (all bubble and cross shadow roots). */
export interface SipEventDetails {
  'sip-registration-change': PhoneEventMap['registration'];
  'sip-incoming-call': { call: CallHandle };
  'sip-call-state': { call: CallHandle; state: CallState; previous: CallState; hold: HoldState };
  'sip-call-ended': CallEventMap['ended'] & { call: CallHandle };
  'sip-dtmf': CallEventMap['dtmf'] & { call: CallHandle };
  'sip-error': { code: ErrorCode; message: string };
  'sip-dialpad-press': { key: DtmfKey };
  'sip-quality': { call: CallHandle; sample: QualitySample };
  'sip-quality-warning': CallEventMap['quality-warning'] & { call: CallHandle };
  'sip-call-report': { call: CallHandle; report: CallReport };
  'sip-call-transfer': CallEventMap['transfer'] & { call: CallHandle };
  'sip-far-end-quality': CallEventMap['far-end-quality'] & { call: CallHandle };
  'sip-call-participant': CallEventMap['participant'] & { call: CallHandle };
  'sip-availability-change': PhoneEventMap['availability'];
  'sip-tab-role-change': PhoneEventMap['tab-role'];
  'sip-devices-change': { devices: DevicesState; notices: DeviceNotice[] };
  'sip-preflight-step': { step: PreflightStep };
  'sip-preflight-complete': { result: PreflightResult };
}

export type SipEventName = keyof SipEventDetails;

export function emit<K extends SipEventName>(
  target: EventTarget,
  name: K,
  detail: SipEventDetails[K],
): void {
  target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'sip-registration-change': CustomEvent<SipEventDetails['sip-registration-change']>;
    'sip-availability-change': CustomEvent<SipEventDetails['sip-availability-change']>;
    'sip-tab-role-change': CustomEvent<SipEventDetails['sip-tab-role-change']>;
    'sip-devices-change': CustomEvent<SipEventDetails['sip-devices-change']>;
    'sip-preflight-step': CustomEvent<SipEventDetails['sip-preflight-step']>;
    'sip-preflight-complete': CustomEvent<SipEventDetails['sip-preflight-complete']>;
    'sip-incoming-call': CustomEvent<SipEventDetails['sip-incoming-call']>;
    'sip-call-state': CustomEvent<SipEventDetails['sip-call-state']>;
    'sip-call-ended': CustomEvent<SipEventDetails['sip-call-ended']>;
    'sip-dtmf': CustomEvent<SipEventDetails['sip-dtmf']>;
    'sip-error': CustomEvent<SipEventDetails['sip-error']>;
    'sip-dialpad-press': CustomEvent<SipEventDetails['sip-dialpad-press']>;
    'sip-quality': CustomEvent<SipEventDetails['sip-quality']>;
    'sip-quality-warning': CustomEvent<SipEventDetails['sip-quality-warning']>;
    'sip-call-report': CustomEvent<SipEventDetails['sip-call-report']>;
    'sip-call-transfer': CustomEvent<SipEventDetails['sip-call-transfer']>;
    'sip-far-end-quality': CustomEvent<SipEventDetails['sip-far-end-quality']>;
    'sip-call-participant': CustomEvent<SipEventDetails['sip-call-participant']>;
  }
}
